package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Sent first on a socket opened without a token while access control is on: the client has {@code timeoutMs} to send
 * {@code {"type":"auth","token":"..."}}; {@code connected} follows once the token is accepted.
 */
@JsonbPropertyOrder({"type", "timeoutMs"})
public record AuthRequiredFrame(String type, long timeoutMs) {

    public static AuthRequiredFrame of(long timeoutMs) {
        return new AuthRequiredFrame("auth_required", timeoutMs);
    }
}
