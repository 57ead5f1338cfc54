package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The first frame on every accepted socket: from here on the client receives every message of the session.
 * Tells whether messages are persisted and the connection limits.
 */
@JsonbPropertyOrder({"type", "sessionId", "persistence", "maxMessageBytes"})
public record ConnectedFrame(String type, String sessionId, boolean persistence, int maxMessageBytes) {

    public static ConnectedFrame of(String sessionId, boolean persistence, int maxMessageBytes) {
        return new ConnectedFrame("connected", sessionId, persistence, maxMessageBytes);
    }
}
