package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * What a client may send on one socket, announced in {@code connected} so that it can pace itself instead of being
 * refused: {@code messagesPerSecond} on average in bursts of {@code messageBurst} (0: no limit; beyond,
 * {@code rate_limited}), at most {@code maxPendingWrites} messages or {@code maxPendingBytes} waiting for Redis
 * (beyond, {@code too_many_pending}), and text frames of at most {@code maxMessageBytes} UTF-8 bytes (beyond, 1009).
 */
@JsonbPropertyOrder({"messagesPerSecond", "messageBurst", "maxPendingWrites", "maxPendingBytes", "maxMessageBytes"})
public record SendLimits(int messagesPerSecond, int messageBurst, int maxPendingWrites, long maxPendingBytes,
                         int maxMessageBytes) {
}
