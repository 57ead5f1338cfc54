package io.redischat.sessions.entity;

import java.util.List;

/**
 * What the store confirmed for one user message: its number N, the stored user message and reply, and the
 * session's epoch. {@code client} is the clientId and its author when the client gave one (else null).
 * {@code duplicate} means the idempotency key was seen before and nothing new was written.
 */
public record StoredExchange(String epoch, long number, ChatMessage sent, ChatMessage reply, ClientTag client,
                             boolean duplicate) {

    public List<ChatMessage> messages() {
        return List.of(sent, reply);
    }

    public StreamPosition position() {
        return new StreamPosition(epoch, reply.seq());
    }

    public String clientId() {
        return client == null ? null : client.clientId();
    }
}
