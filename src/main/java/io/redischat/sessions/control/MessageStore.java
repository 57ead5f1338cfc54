package io.redischat.sessions.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.redis.control.DaemonThreadFactory;
import io.redischat.redis.control.LuaScript;
import io.redischat.redis.control.RedisFailure;
import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.RedisUnavailableException;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.EmptyReason;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.InboundMessage;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;

/**
 * Session histories in Redis: one stream and one meta hash per session, written by one atomic Lua script per
 * message (append, trim, sliding TTL) and read by another. Writes are asynchronous so the caller reacts when Redis
 * confirmed them; they run on a bounded pool, so a slow Redis makes callers fail fast instead of piling up.
 */
@ApplicationScoped
public class MessageStore {

    private static final LuaScript APPEND = LuaScript.fromResource(MessageStore.class, "append.lua");
    private static final LuaScript HISTORY = LuaScript.fromResource(MessageStore.class, "history.lua");

    @Inject
    RedisConnection redis;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperty(name = "redis.session.ttl", defaultValue = "300")
    long ttlSeconds;

    @Inject
    @ConfigProperty(name = "chat.history.max-length", defaultValue = "1000")
    int maxHistoryLength;

    @Inject
    @ConfigProperty(name = "chat.session.marker-ttl", defaultValue = "86400")
    long markerTtlSeconds;

    @Inject
    @ConfigProperty(name = "chat.redis.key-prefix", defaultValue = "chat")
    String keyPrefix;

    @Inject
    @ConfigProperty(name = "chat.store.threads", defaultValue = "8")
    int writerThreads;

    @Inject
    @ConfigProperty(name = "chat.store.queue-capacity", defaultValue = "10000")
    int queueCapacity;

    @Inject
    @ConfigProperty(name = "chat.redis.wait-replicas", defaultValue = "0")
    int waitReplicas;

    @Inject
    @ConfigProperty(name = "chat.redis.wait-timeout-ms", defaultValue = "500")
    long waitTimeoutMs;

    @Inject
    @ConfigProperty(name = "chat.redis.fail-fast-ms", defaultValue = "500")
    long failFastMs;

    private ExecutorService writers;
    /** After a connection failure or timeout, writes fail at once for a moment instead of each waiting it out. */
    private volatile long failFastUntilNanos;
    private volatile String lastFailure;

    @PostConstruct
    void start() {
        writers = new ThreadPoolExecutor(writerThreads, writerThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(queueCapacity), new DaemonThreadFactory("redis-chat-store"));
    }

    @PreDestroy
    void stop() {
        writers.shutdown();
    }

    /**
     * Stores a user message and its reply {@code Message #N: content}. Completes when Redis confirmed both, or
     * exceptionally with a {@link RedisUnavailableException} saying why nothing was stored.
     */
    public CompletionStage<StoredExchange> append(String sessionId, InboundMessage message, long timestamp) {
        try {
            return CompletableFuture.supplyAsync(() -> appendNow(sessionId, message, timestamp), writers);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(RedisUnavailableException.from(e));
        }
    }

    StoredExchange appendNow(String sessionId, InboundMessage message, long timestamp) {
        if (System.nanoTime() - failFastUntilNanos < 0) {
            throw new RedisUnavailableException("Redis unavailable: " + lastFailure + " (retrying shortly)", null);
        }
        var keys = SessionKeys.of(keyPrefix, sessionId);
        List<String> args = List.of(message.content(), Long.toString(timestamp), Long.toString(ttlSeconds),
                Integer.toString(maxHistoryLength), Long.toString(markerTtlSeconds), newEpoch(),
                // when replicas must confirm, the exchange is published only after they did (below)
                message.hasClientId() ? message.clientId() : "", waitReplicas > 0 ? "" : channel(sessionId));
        List<String> keyList = List.of(keys.history(), keys.meta(), keys.seen(), keys.clientId(message.clientId()));
        List<?> reply;
        long started = System.nanoTime();
        try {
            reply = (List<?>) (waitReplicas > 0
                    ? APPEND.runAndWait(redis.client(), keyList, args, waitReplicas, waitTimeoutMs)
                    : APPEND.run(redis.client(), keyList, args));
        } catch (RuntimeException e) {
            redis.connectionFailed(e);
            failed(e);
            String kind = RedisFailure.kind(e);
            if ("timeout".equals(kind) || "connection".equals(kind)) {
                lastFailure = RedisFailure.describe(e);
                failFastUntilNanos = System.nanoTime() + failFastMs * 1_000_000;
            }
            throw RedisUnavailableException.from(e);
        } finally {
            timed("append", started);
        }
        boolean duplicate = "duplicate".equals(reply.get(0));
        String epoch = (String) reply.get(1);
        long number = asLong(reply.get(2));
        long userSeq = asLong(reply.get(3));
        long replySeq = asLong(reply.get(4));
        long storedAt = asLong(reply.get(5));
        var sent = new ChatMessage(message.content(), storedAt, true, sessionId, userSeq);
        var answer = new ChatMessage(ReplyText.of(number, message.content()), storedAt, false, sessionId, replySeq);
        var exchange = new StoredExchange(epoch, number, sent, answer, message.clientId(), duplicate);
        if (waitReplicas > 0 && !duplicate) {
            try {
                redis.client().publish(channel(sessionId), LivePayload.toJson(exchange));
            } catch (RuntimeException e) {
                // stored and replicated: the other instances fill the gap from the history at the next message
                redis.connectionFailed(e);
            }
        }
        return exchange;
    }

    /** The pub/sub channel on which every stored exchange of the session is published. */
    public String channel(String sessionId) {
        return SessionKeys.of(keyPrefix, sessionId).live();
    }

    /** Reads a session's history; throws {@link RedisUnavailableException} rather than answer "empty" wrongly. */
    public SessionHistory history(String sessionId, HistoryQuery query) {
        var keys = SessionKeys.of(keyPrefix, sessionId);
        String mode;
        long bound = 0;
        if (query.since() != null) {
            mode = "after";
            bound = query.since();
        } else if (query.before() != null) {
            mode = "before";
            bound = query.before();
        } else if (query.limit() != null && query.limit() == 0) {
            mode = "meta";
        } else if (query.limit() != null) {
            mode = "latest";
        } else {
            mode = "all";
        }
        int count = query.limit() == null ? 0 : query.limit();
        List<String> keyList = List.of(keys.history(), keys.meta(), keys.seen());
        List<String> args = List.of(mode, Long.toString(bound), Integer.toString(count));
        List<?> reply;
        long started = System.nanoTime();
        try {
            reply = (List<?>) HISTORY.run(redis.client(), keyList, args);
        } catch (RuntimeException e) {
            redis.connectionFailed(e);
            failed(e);
            // a read is safe to repeat: once, on a fresh connection, in case this one died with a restarted Redis
            try {
                reply = (List<?>) HISTORY.run(redis.client(), keyList, args);
            } catch (RuntimeException again) {
                failed(again);
                throw RedisUnavailableException.from(again);
            }
        } finally {
            timed("history", started);
        }
        String epoch = emptyToNull((String) reply.get(0));
        long lastSeq = Long.parseLong(reply.get(1).toString());
        long pttl = asLong(reply.get(2));
        String seenEpoch = emptyToNull((String) reply.get(3));
        var clientIds = new java.util.HashMap<Long, String>();
        List<ChatMessage> messages = toMessages(sessionId, (List<?>) reply.get(4), clientIds);

        Long ttlRemaining = pttl >= 0 ? (pttl + 999) / 1000 : null;
        EmptyReason reason = null;
        if (messages.isEmpty()) {
            if (epoch != null) {
                reason = EmptyReason.none_in_range;
            } else if (seenEpoch != null) {
                reason = EmptyReason.expired;
            } else {
                reason = EmptyReason.never_persisted;
            }
        }
        return new SessionHistory(sessionId, messages, epoch, lastSeq, ttlRemaining, reason, clientIds);
    }

    private void failed(RuntimeException failure) {
        if (metrics != null) {
            metrics.redisError(RedisFailure.kind(failure));
        }
    }

    private void timed(String command, long startedNanos) {
        if (metrics != null) {
            metrics.redisCommand(command, System.nanoTime() - startedNanos);
        }
    }

    private static List<ChatMessage> toMessages(String sessionId, List<?> entries, Map<Long, String> clientIds) {
        var messages = new ArrayList<ChatMessage>(entries.size());
        for (Object entry : entries) {
            List<?> idAndFields = (List<?>) entry;
            String id = (String) idAndFields.get(0);
            Map<String, String> fields = fieldMap((List<?>) idAndFields.get(1));
            long seq = Long.parseLong(id.substring(0, id.indexOf('-')));
            if (fields.get("cid") != null) {
                clientIds.put(seq, fields.get("cid"));
            }
            messages.add(new ChatMessage(fields.get("c"), Long.parseLong(fields.get("t")), "1".equals(fields.get("s")),
                    sessionId, seq));
        }
        return messages;
    }

    private static Map<String, String> fieldMap(List<?> flat) {
        var fields = new java.util.HashMap<String, String>();
        for (int i = 0; i + 1 < flat.size(); i += 2) {
            fields.put((String) flat.get(i), (String) flat.get(i + 1));
        }
        return fields;
    }

    private static String newEpoch() {
        return UUID.randomUUID().toString().substring(0, 8);
    }

    private static long asLong(Object value) {
        return value instanceof Long number ? number : Long.parseLong(value.toString());
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
