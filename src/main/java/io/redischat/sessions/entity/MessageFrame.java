package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A WebSocket frame carrying one message of a session: the user's ({@code isSent:true}) or the server's reply.
 * {@code persisted} is true only once Redis confirmed the write; {@code seq} and {@code epoch} are then set.
 * {@code from} is the connection id of the socket that sent the user message (on a reply: whose message it answers).
 */
@JsonbPropertyOrder({"type", "content", "timestamp", "isSent", "sessionId", "seq", "persisted", "epoch", "clientId",
        "from", "duplicate"})
public record MessageFrame(
        String type,
        String content,
        long timestamp,
        @JsonbProperty("isSent") boolean isSent,
        String sessionId,
        Long seq,
        boolean persisted,
        String epoch,
        String clientId,
        String from,
        Boolean duplicate) {

    public static MessageFrame stored(ChatMessage message, String epoch, String clientId, boolean duplicate) {
        return new MessageFrame("message", message.content(), message.timestamp(), message.isSent(),
                message.sessionId(), message.seq(), true, epoch, clientId, message.from(), duplicate ? Boolean.TRUE : null);
    }

    public static MessageFrame unstored(ChatMessage message, String clientId) {
        return new MessageFrame("message", message.content(), message.timestamp(), message.isSent(),
                message.sessionId(), null, false, null, clientId, message.from(), null);
    }
}
