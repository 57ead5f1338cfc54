package io.redischat.sessions.entity;

/** A message a client sent: its text and, for idempotent retries, an optional client-chosen id. */
public record InboundMessage(String content, String clientId) {

    public boolean hasClientId() {
        return clientId != null;
    }
}
