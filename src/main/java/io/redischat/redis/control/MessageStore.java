package io.redischat.redis.control;

import io.redischat.sessions.control.DaemonThreadFactory;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.resps.StreamEntry;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.sessions.control.ClientIdReusedException;
import io.redischat.sessions.control.ChatLimits;
import io.redischat.sessions.control.MessageLog;
import io.redischat.sessions.control.ReplyText;
import io.redischat.sessions.control.SessionRefusedException;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ClientTag;
import io.redischat.sessions.entity.EmptyReason;
import io.redischat.sessions.entity.ExchangeRequest;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;

/**
 * Session histories in Redis: one stream and one meta hash per session, written by one atomic Lua script per
 * message (append, trim, sliding TTL, publish) and read in MULTI/EXEC transactions ({@link HistoryReads}). Calls run
 * on bounded pools and complete
 * asynchronously, so a slow Redis makes callers fail fast instead of piling up.
 */
@ApplicationScoped
public class MessageStore implements MessageLog {

    private static final LuaScript APPEND = LuaScript.fromResource(MessageStore.class, "append.lua");
    /** What the seen marker holds after the admin API deleted the session (delete.lua writes it). */
    public static final String DELETED_MARK = "deleted";
    /** A key the server made only has to outlive a retry. */
    private static final long SERVER_KEY_TTL_SECONDS = 60;
    /** What a REST answer holds besides its messages (success, session_id, count, cursor, epoch, ...). */
    static final long ENVELOPE_BYTES = 512;
    /** What one message takes in JSON besides its content, author and session id (names, timestamp, seq). */
    static final long MESSAGE_JSON_BYTES = 120;
    /** What a stream entry holds besides its content: field names, timestamp, N, author, clientId, reply prefix. */
    static final long ENTRY_FIELDS_BYTES = 256;

    @Inject
    @ConfigProperties
    RedisSettings redisSettings;

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    @ConfigProperties
    ChatLimits limits;

    @Inject
    RedisConnection redis;

    @Inject
    ChatMetrics metrics;

    @Inject
    RedisMemoryGuard memory;

    private ExecutorService writers;
    private ExecutorService readers;
    private AppendBatches batches;

    @PostConstruct
    void start() {
        writers = new ThreadPoolExecutor(settings.storeThreads, settings.storeThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.storeQueueCapacity), new DaemonThreadFactory("redis-chat-store"));
        int readerThreads = Math.max(2, settings.storeThreads / 2);
        readers = new ThreadPoolExecutor(readerThreads, readerThreads, 60, TimeUnit.SECONDS,
                new ArrayBlockingQueue<>(settings.storeQueueCapacity), new DaemonThreadFactory("redis-chat-reader"));
        batches = new AppendBatches(APPEND, () -> redis.client(), settings.storeQueueCapacity, 2);
    }

    @PreDestroy
    void stop() {
        writers.shutdown();
        readers.shutdown();
        batches.close();
    }

    /**
     * Stores a user message and its reply. Concurrent appends go to Redis together, one pipeline per batch (see
     * {@link AppendBatches}); with {@code chat.redis.wait-replicas} each goes alone, as it waits for its replicas.
     */
    @Override
    public CompletionStage<StoredExchange> append(ExchangeRequest request, boolean mayStartSession) {
        if (settings.waitReplicas > 0) {
            return on(writers, () -> appendNow(request, mayStartSession));
        }
        try {
            refuseWhileFailingFast();
        } catch (RedisUnavailableException e) {
            return CompletableFuture.failedFuture(e);
        }
        Script call = script(request, mayStartSession);
        long started = System.nanoTime();
        return batches.submit(call.keys(), call.args())
                .exceptionallyCompose(failure -> {
                    RuntimeException cause = unwrap(failure);
                    if (cause instanceof RejectedExecutionException) {
                        return CompletableFuture.failedFuture(RedisUnavailableException.from(cause));
                    }
                    return on(writers, () -> afterFailure(cause, call));
                })
                .thenApply(reply -> {
                    timed("append", started);
                    redis.recordAnswer();
                    return stored(request, (List<?>) reply, call.channel());
                });
    }

    private static RuntimeException unwrap(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof java.util.concurrent.CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause instanceof RuntimeException runtime ? runtime : new IllegalStateException(cause);
    }

    @Override
    public CompletionStage<SessionHistory> read(String sessionId, HistoryQuery query) {
        return on(readers, () -> history(sessionId, query));
    }

    private static <T> CompletionStage<T> on(ExecutorService pool, Supplier<T> call) {
        try {
            return CompletableFuture.supplyAsync(call, pool);
        } catch (RejectedExecutionException e) {
            return CompletableFuture.failedFuture(RedisUnavailableException.from(e));
        }
    }

    /**
     * Stores a user message and its reply {@code Message #N: content}; throws a {@link RedisUnavailableException}
     * saying why nothing was stored. A write that failed on a dead pooled connection is sent once more on a fresh
     * one: the idempotency key makes sure it is stored once even if the first attempt reached Redis after all.
     */
    StoredExchange appendNow(ExchangeRequest request) {
        return appendNow(request, true);
    }

    StoredExchange appendNow(ExchangeRequest request, boolean mayStartSession) {
        refuseWhileFailingFast();
        Script call = script(request, mayStartSession);
        List<?> reply;
        long started = System.nanoTime();
        try {
            reply = appendOnce(call.keys(), call.args());
        } catch (RuntimeException e) {
            reply = afterFailure(e, call);
        } finally {
            timed("append", started);
        }
        redis.recordAnswer();
        return stored(request, reply, call.channel());
    }

    private void refuseWhileFailingFast() {
        String fastFailure = redis.failingFast();
        if (fastFailure != null) {
            throw new RedisUnavailableException("Redis unavailable: " + fastFailure + " (retrying shortly)", null);
        }
    }

    /**
     * A write failed: on a dead pooled connection it is sent once more on a fresh one (the idempotency key stores it
     * once even if the first attempt reached Redis after all); otherwise, or if that fails too, nothing was stored.
     */
    private List<?> afterFailure(RuntimeException failure, Script call) {
        failed(failure);
        if (!RedisFailure.isDeadConnection(failure)) {
            redis.recordFailure(failure);
            throw RedisUnavailableException.from(failure);
        }
        redis.connectionFailed(failure);
        try {
            return appendOnce(call.keys(), call.args());
        } catch (RuntimeException again) {
            failed(again);
            redis.recordFailure(again);
            throw RedisUnavailableException.from(again);
        }
    }

    /** One run of append.lua: its keys, its arguments, and the session's channel. */
    private record Script(List<String> keys, List<String> args, String channel) {
    }

    private Script script(ExchangeRequest request, boolean mayStartSession) {
        var keys = SessionKeys.of(settings.keyPrefix, request.sessionId());
        boolean clientKey = request.clientId() != null;
        // "<author>/<clientId>"; or "#<connectionId>.<n>": one key per connection, holding which of its messages it
        // answers for
        String key = request.idempotencyKey();
        int dot = clientKey ? -1 : key.lastIndexOf('.');
        String keyName = dot < 0 ? key : key.substring(0, dot);
        String marker = dot < 0 ? "" : key.substring(dot + 1);
        List<String> args = List.of(request.content(), Long.toString(request.timestamp()),
                Long.toString(redisSettings.sessionTtlSeconds), Integer.toString(settings.historyMaxLength),
                Long.toString(settings.markerTtlSeconds), newEpoch(),
                request.clientId() == null ? "" : request.clientId(),
                // when replicas must confirm, the exchange is published only after they did (below)
                settings.waitReplicas > 0 ? "" : keys.live(),
                request.from() == null ? "" : request.from(),
                Long.toString(clientKey ? redisSettings.sessionTtlSeconds : SERVER_KEY_TTL_SECONDS), marker,
                clientKey && request.author() != null ? request.author() : "",
                Long.toString(settings.historyMaxBytes), newSessionRefusal(mayStartSession),
                Long.toString(request.numberFloor()));
        return new Script(List.of(keys.history(), keys.meta(), keys.seen(), keys.idempotencyKey(keyName)), args,
                keys.live());
    }

    /** What append.lua answered, as the exchange it stored (or why it stored nothing). */
    private StoredExchange stored(ExchangeRequest request, List<?> reply, String channel) {
        if ("refused".equals(reply.get(0))) {
            throw new SessionRefusedException((String) reply.get(1));
        }
        if ("reused".equals(reply.get(0))) {
            throw new ClientIdReusedException(request.clientId());
        }
        boolean duplicate = "duplicate".equals(reply.get(0));
        String payload = (String) reply.get(1);
        StoredExchange exchange = reply.size() >= 6 && !duplicate
                ? justStored(request, reply)
                : LivePayload.parse(request.sessionId(), payload, duplicate);
        if (settings.waitReplicas > 0 && !duplicate) {
            try {
                redis.client().publish(channel, payload);
            } catch (RuntimeException e) {
                // stored and replicated: the other instances fill the gap from the history at the next message
                redis.connectionFailed(e);
            }
        }
        return exchange;
    }

    /** What append.lua stored, from the request and the numbers it answered: the payload says the same. */
    private static StoredExchange justStored(ExchangeRequest request, List<?> reply) {
        long number = Long.parseLong((String) reply.get(3));
        String from = request.from() == null || request.from().isEmpty() ? null : request.from();
        var sent = new ChatMessage(request.content(), request.timestamp(), true, request.sessionId(),
                Long.parseLong((String) reply.get(4)), from);
        var answer = new ChatMessage(ReplyText.of(number, request.content()), request.timestamp(), false,
                request.sessionId(), Long.parseLong((String) reply.get(5)), from);
        ClientTag client = request.clientId() == null || request.clientId().isEmpty() ? null
                : new ClientTag(request.clientId(), request.author());
        return new StoredExchange((String) reply.get(2), number, sent, answer, client, false);
    }

    private String newSessionRefusal(boolean mayStartSession) {
        if (!mayStartSession) {
            return "too many new sessions from your address: try again in a minute";
        }
        String full = memory == null ? null : memory.refusal();
        return full == null ? "" : full;
    }

    private List<?> appendOnce(List<String> keyList, List<String> args) {
        return (List<?>) (settings.waitReplicas > 0
                ? APPEND.runAndWait(redis.client(), keyList, args, settings.waitReplicas, settings.waitTimeoutMs)
                : APPEND.run(redis.client(), keyList, args));
    }

    /** The pub/sub channel on which every stored exchange of the session is published. */
    public String channel(String sessionId) {
        return SessionKeys.of(settings.keyPrefix, sessionId).live();
    }

    /**
     * Reads a session's history, at most {@code chat.history.max-response-bytes} of it (and at most the query's
     * {@code maxBytes}; at least one message);
     * throws {@link RedisUnavailableException} rather than answer "empty" wrongly. Without {@code since} it reads
     * backward from the newest (or from {@code before}), with {@code since} forward; either way oldest first.
     */
    public SessionHistory history(String sessionId, HistoryQuery query) {
        var keys = SessionKeys.of(settings.keyPrefix, sessionId);
        String mode;
        long bound = 0;
        if (query.since() != null) {
            mode = "after";
            bound = query.since();
        } else if (query.limit() != null && query.limit() == 0) {
            mode = "meta";
        } else if (query.before() != null) {
            mode = "before";
            bound = query.before();
        } else {
            mode = "latest";
        }
        int count = query.limit() == null ? 0 : query.limit();
        long budget = Math.max(1, settings.historyMaxResponseBytes - ENVELOPE_BYTES);
        if (query.maxBytes() != null) {
            budget = Math.max(1, Math.min(budget, query.maxBytes()));
        }
        long overhead = MESSAGE_JSON_BYTES + sessionId.length();
        long largestEntry = (long) limits.maxMessageBytes + ENTRY_FIELDS_BYTES;
        var request = new HistoryReads.Request(mode, bound, count, budget, overhead, largestEntry,
                settings.historyMaxLength);
        HistoryReads.Page page;
        long started = System.nanoTime();
        try {
            page = HistoryReads.read(redis.client(), keys, request);
        } catch (RuntimeException e) {
            redis.connectionFailed(e);
            failed(e);
            // a read is safe to repeat: once, on a fresh connection, in case this one died with a restarted Redis
            try {
                page = HistoryReads.read(redis.client(), keys, request);
            } catch (RuntimeException again) {
                failed(again);
                throw RedisUnavailableException.from(again);
            }
        } finally {
            timed("history", started);
        }
        redis.recordAnswer();
        String epoch = emptyToNull(page.epoch());
        long lastSeq = page.lastSeq();
        long pttl = page.pttl();
        String seenEpoch = emptyToNull(page.seenEpoch());
        var clientTags = new HashMap<Long, ClientTag>();
        List<ChatMessage> messages = toMessages(sessionId, page.entries(), clientTags);
        boolean hasMore = page.more();

        Long ttlRemaining = pttl >= 0 ? (pttl + 999) / 1000 : null;
        EmptyReason reason = null;
        if (messages.isEmpty()) {
            if (epoch != null) {
                reason = EmptyReason.none_in_range;
            } else if (DELETED_MARK.equals(seenEpoch)) {
                reason = EmptyReason.deleted;
            } else if (seenEpoch != null) {
                reason = EmptyReason.expired;
            } else {
                reason = EmptyReason.never_persisted;
            }
        }
        return new SessionHistory(sessionId, messages, hasMore, epoch, lastSeq, ttlRemaining, reason, clientTags);
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

    private static List<ChatMessage> toMessages(String sessionId, List<StreamEntry> entries,
                                                Map<Long, ClientTag> clientTags) {
        var messages = new ArrayList<ChatMessage>(entries.size());
        for (StreamEntry entry : entries) {
            Map<String, String> fields = entry.getFields();
            long seq = entry.getID().getTime();
            if (fields.get("cid") != null) {
                // without k (stored before clientIds had authors) it goes back to no socket
                String author = fields.get("k");
                clientTags.put(seq, new ClientTag(fields.get("cid"),
                        author == null || author.isEmpty() ? null : author));
            }
            messages.add(new ChatMessage(fields.get("c"), Long.parseLong(fields.get("t")), "1".equals(fields.get("s")),
                    sessionId, seq, fields.get("f")));
        }
        return messages;
    }

    private static String newEpoch() {
        // used only when a session starts; 32 random bits, as the first group of a random UUID had
        String hex = Integer.toHexString(ThreadLocalRandom.current().nextInt());
        return "0".repeat(8 - hex.length()) + hex;
    }

    private static String emptyToNull(String value) {
        return value == null || value.isEmpty() ? null : value;
    }
}
