package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One message of a session's history as the REST API returns it: the guide's four fields plus {@code seq}, its
 * position in the session (absent for a message that was never stored), and {@code from}, the connection id of the
 * socket that sent it (on a reply: the socket whose message it answers; absent on messages stored before authors
 * were recorded).
 */
@JsonbPropertyOrder({"content", "timestamp", "isSent", "sessionId", "seq", "from"})
public record ChatMessage(
        String content,
        long timestamp,
        @JsonbProperty("isSent") boolean isSent,
        String sessionId,
        Long seq,
        String from) {
}
