package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** A WebSocket frame telling the client about a problem; {@code code} is stable, {@code message} is for people. */
@JsonbPropertyOrder({"type", "code", "message", "clientId"})
public record ErrorFrame(String type, String code, String message, String clientId) {

    public static ErrorFrame of(ErrorCode code, String message, String clientId) {
        return new ErrorFrame("error", code.wire(), message, clientId);
    }
}
