package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One message of a session's history as the REST API returns it: the guide's four fields plus {@code seq}, its
 * position in the session (absent for a message that was never stored).
 */
@JsonbPropertyOrder({"content", "timestamp", "isSent", "sessionId", "seq"})
public record ChatMessage(
        String content,
        long timestamp,
        @JsonbProperty("isSent") boolean isSent,
        String sessionId,
        Long seq) {
}
