package io.redischat.sessions.entity;

import java.util.List;
import java.util.Map;

/**
 * A session's history as read from Redis: the messages (oldest first), whether more of the requested range was
 * there than one read may return ({@code hasMore}: the store's byte budget or the limit cut it), the epoch and last
 * seq of the session, the seconds left before it expires (null when it does not exist), why it is empty when it
 * is, and the clientId and author each message was sent with (by seq; for live delivery to the author's sockets
 * only, never part of the REST answer).
 */
public record SessionHistory(String sessionId, List<ChatMessage> messages, boolean hasMore, String epoch,
                             long lastSeq, Long ttlRemaining, EmptyReason emptyReason,
                             Map<Long, ClientTag> clientTags) {

    public ClientTag clientTagOf(ChatMessage message) {
        return clientTags.get(message.seq());
    }

    /** Where the session's history ends. */
    public StreamPosition top() {
        return new StreamPosition(epoch, epoch == null ? 0 : lastSeq);
    }

    /** The seq of the newest message returned, or null if none was. */
    public Long lastReturnedSeq() {
        return messages.isEmpty() ? null : messages.get(messages.size() - 1).seq();
    }

    /** The seq of the oldest message returned, or null if none was. */
    public Long firstReturnedSeq() {
        return messages.isEmpty() ? null : messages.get(0).seq();
    }
}
