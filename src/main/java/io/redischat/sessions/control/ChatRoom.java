package io.redischat.sessions.control;

import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.redischat.redis.control.RedisFailure;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ConnectedFrame;
import io.redischat.sessions.entity.ErrorCode;
import io.redischat.sessions.entity.ErrorFrame;
import io.redischat.sessions.entity.InboundMessage;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.StoredExchange;

/**
 * The live side of chat sessions on this instance: who is connected to which session, and turning each received
 * message into frames. Persisted messages go to Redis first and reach every client of the session once Redis
 * confirmed them, one message after the other so every client sees them in {@code seq} order.
 */
@ApplicationScoped
public class ChatRoom {

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());

    @Inject
    MessageStore store;

    @Inject
    OutboundFrames frames;

    @Inject
    @ConfigProperty(name = "chat.connection.max-pending-writes", defaultValue = "256")
    int maxPendingWrites;

    private final ConcurrentHashMap<String, Set<ChatConnection>> members = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, CompletableFuture<Void>> writeChains = new ConcurrentHashMap<>();

    /** Adds the connection to its session, then tells the client it receives every message from now on. */
    public void join(ChatConnection connection, int maxMessageBytes) {
        members.computeIfAbsent(connection.sessionId(), id -> ConcurrentHashMap.newKeySet()).add(connection);
        connection.send(frames.toJson(
                ConnectedFrame.of(connection.sessionId(), connection.persistent(), maxMessageBytes)));
    }

    public void leave(ChatConnection connection) {
        members.computeIfPresent(connection.sessionId(), (id, connections) -> {
            connections.remove(connection);
            return connections.isEmpty() ? null : connections;
        });
    }

    public int connectionCount(String sessionId) {
        Set<ChatConnection> connections = members.get(sessionId);
        return connections == null ? 0 : connections.size();
    }

    public void reject(ChatConnection connection, ErrorCode code, String message, String clientId) {
        connection.send(frames.toJson(ErrorFrame.of(code, message, clientId)));
    }

    public void receive(ChatConnection from, InboundMessage message) {
        long now = System.currentTimeMillis();
        if (!from.persistent()) {
            answerUnstored(from, message, from.nextLocalNumber(), now);
            return;
        }
        if (!from.tryStartWrite(maxPendingWrites)) {
            reject(from, ErrorCode.TOO_MANY_PENDING,
                    "more than " + maxPendingWrites + " messages are waiting for Redis; this one was not stored",
                    message.clientId());
            return;
        }
        String sessionId = from.sessionId();
        CompletableFuture<Void> chain = writeChains.compute(sessionId, (id, previous) ->
                (previous == null ? CompletableFuture.<Void>completedFuture(null) : previous)
                        .thenCompose(ignored -> store.append(sessionId, message, now)
                                .handle((stored, failure) -> {
                                    from.finishWrite();
                                    deliver(from, message, now, stored, failure);
                                    return null;
                                })));
        chain.whenComplete((ignored, failure) -> writeChains.remove(sessionId, chain));
    }

    private void deliver(ChatConnection from, InboundMessage message, long now, StoredExchange stored,
                         Throwable failure) {
        try {
            if (failure != null) {
                answerUnstored(from, message, from.nextLocalNumber(), now);
                reject(from, ErrorCode.REDIS_UNAVAILABLE,
                        "message not stored: " + RedisFailure.describe(failure), message.clientId());
                return;
            }
            String sent = frames.toJson(MessageFrame.stored(stored.sent(), stored.epoch(), message.clientId(),
                    stored.duplicate()));
            String reply = frames.toJson(MessageFrame.stored(stored.reply(), stored.epoch(), message.clientId(),
                    stored.duplicate()));
            if (stored.duplicate()) {
                from.send(sent);
                from.send(reply);
                return;
            }
            for (ChatConnection member : members.getOrDefault(from.sessionId(), Set.of(from))) {
                member.observeStoredNumber(stored.number());
                member.send(sent);
                member.send(reply);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "delivery failed in session " + from.sessionId(), e);
        }
    }

    private void answerUnstored(ChatConnection to, InboundMessage message, long number, long now) {
        var sent = new ChatMessage(message.content(), now, true, to.sessionId(), null);
        var reply = new ChatMessage(ReplyText.of(number, message.content()), now, false, to.sessionId(), null);
        to.send(frames.toJson(MessageFrame.unstored(sent, message.clientId())));
        to.send(frames.toJson(MessageFrame.unstored(reply, message.clientId())));
    }
}
