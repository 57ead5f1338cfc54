package io.redischat.sessions.entity;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The guide's envelope for {@code GET /api/sessions/{id}/messages/}: success, session_id, messages, count; plus
 * what helps a client page and diagnose (epoch, last_seq, ttl_remaining, empty_reason). Null fields are omitted.
 */
@JsonbPropertyOrder({"success", "sessionId", "messages", "count", "epoch", "lastSeq", "ttlRemaining", "emptyReason"})
public record MessagesResponse(
        boolean success,
        @JsonbProperty("session_id") String sessionId,
        List<ChatMessage> messages,
        int count,
        String epoch,
        @JsonbProperty("last_seq") Long lastSeq,
        @JsonbProperty("ttl_remaining") Long ttlRemaining,
        @JsonbProperty("empty_reason") EmptyReason emptyReason) {

    public static MessagesResponse of(SessionHistory history) {
        boolean known = history.epoch() != null;
        return new MessagesResponse(true, history.sessionId(), history.messages(), history.messages().size(),
                history.epoch(), known ? history.lastSeq() : null, history.ttlRemaining(), history.emptyReason());
    }
}
