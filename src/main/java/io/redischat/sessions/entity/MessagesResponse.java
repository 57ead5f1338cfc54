package io.redischat.sessions.entity;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The guide's envelope for {@code GET /api/sessions/{id}/messages/}: success, session_id, messages, count; plus
 * what helps a client page and diagnose (has_more and the cursor that continues, epoch, last_seq, ttl_remaining,
 * empty_reason). Null fields are omitted.
 * <p>
 * A response carries at most the store's byte budget of messages. When more of the requested range is there,
 * {@code has_more} is true and exactly one cursor says how to continue: {@code next_since} when paging forward (the
 * request had {@code since}), {@code next_before} when paging backward (no cursor, or {@code before}/{@code limit}).
 */
@JsonbPropertyOrder({"success", "sessionId", "messages", "count", "hasMore", "nextSince", "nextBefore", "epoch",
        "lastSeq", "ttlRemaining", "emptyReason"})
public record MessagesResponse(
        boolean success,
        @JsonbProperty("session_id") String sessionId,
        List<ChatMessage> messages,
        int count,
        @JsonbProperty("has_more") boolean hasMore,
        @JsonbProperty("next_since") Long nextSince,
        @JsonbProperty("next_before") Long nextBefore,
        String epoch,
        @JsonbProperty("last_seq") Long lastSeq,
        @JsonbProperty("ttl_remaining") Long ttlRemaining,
        @JsonbProperty("empty_reason") EmptyReason emptyReason) {

    public static MessagesResponse of(SessionHistory history, HistoryQuery query) {
        boolean known = history.epoch() != null;
        boolean more = history.hasMore() && !history.messages().isEmpty();
        Long nextSince = more && query.forward() ? history.lastReturnedSeq() : null;
        Long nextBefore = more && !query.forward() ? history.firstReturnedSeq() : null;
        return new MessagesResponse(true, history.sessionId(), history.messages(), history.messages().size(), more,
                nextSince, nextBefore, history.epoch(), known ? history.lastSeq() : null, history.ttlRemaining(),
                history.emptyReason());
    }
}
