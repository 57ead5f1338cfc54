package io.redischat.sessions.entity;

import java.util.List;

/**
 * A session's history as read from Redis: the messages, the epoch and last seq of the session, the seconds left
 * before it expires (null when it does not exist), and why it is empty when it is.
 */
public record SessionHistory(String sessionId, List<ChatMessage> messages, String epoch, long lastSeq,
                             Long ttlRemaining, EmptyReason emptyReason) {
}
