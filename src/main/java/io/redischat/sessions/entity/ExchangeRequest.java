package io.redischat.sessions.entity;

/**
 * A user message to store with its reply. {@code clientId} is the client's own id for the message (null when it
 * gave none) and {@code author} the identity of the client that sent it (see {@code Authors}). {@code
 * idempotencyKey} is never null: {@code <author>/<clientId>}, or one the server made, so that a write retried after
 * an ambiguous failure is stored once, and a clientId is only ever matched within its author's messages. {@code
 * from} is the connection id of the sending socket. {@code numberFloor} is the highest {@code Message #N} the sending
 * socket has shown, stored or not: the exchange's N is above it, so a reply numbered while Redis could not store it
 * is never numbered again.
 */
public record ExchangeRequest(String sessionId, String content, String clientId, String author,
                              String idempotencyKey, String from, long timestamp, long numberFloor) {

    /** A request of a socket that has shown no number the session does not know. */
    public ExchangeRequest(String sessionId, String content, String clientId, String author, String idempotencyKey,
                           String from, long timestamp) {
        this(sessionId, content, clientId, author, idempotencyKey, from, timestamp, 0);
    }
}
