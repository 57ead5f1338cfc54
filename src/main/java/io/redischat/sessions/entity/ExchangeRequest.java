package io.redischat.sessions.entity;

/**
 * A user message to store with its reply. {@code clientId} is the client's own id for the message (null when it
 * gave none); {@code idempotencyKey} is never null: the clientId, or one the server made, so that a write retried
 * after an ambiguous failure is stored once. {@code from} is the connection id of the sending socket.
 */
public record ExchangeRequest(String sessionId, String content, String clientId, String idempotencyKey, String from,
                              long timestamp) {
}
