package io.redischat.api.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The one error shape of the REST API: {@code {"success":false,"error":"..."}}. */
@JsonbPropertyOrder({"success", "error"})
public record ErrorResponse(boolean success, String error) {

    public static ErrorResponse of(String error) {
        return new ErrorResponse(false, error);
    }
}
