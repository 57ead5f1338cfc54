package io.redischat.sessions.control;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.function.Supplier;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ClientTag;
import io.redischat.sessions.entity.EmptyReason;
import io.redischat.sessions.entity.ExchangeRequest;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;

/**
 * The store's in-memory twin for unit tests: the same contract as the Redis one (seq, epoch, idempotency keys scoped
 * to the author, a clientId reused for other content refused, trim, loss of everything, reads bounded by a byte
 * budget), and the timing under the test's control. Reads and writes can be held and are then carried out when
 * released, in any order the test picks, so interleavings that are rare on a real network are certain here.
 * Every stored exchange is recorded as "published" for the test to deliver, drop, repeat or reorder.
 */
final class InMemoryMessageLog implements MessageLog {

    private static final class Session {
        String epoch;
        long number;
        long seq;
        final List<ChatMessage> entries = new ArrayList<>();
        final Map<Long, ClientTag> clientTags = new HashMap<>();
        final Map<String, StoredExchange> byKey = new HashMap<>();
    }

    private final Map<String, Session> sessions = new HashMap<>();
    private final List<Runnable> held = new ArrayList<>();
    final List<StoredExchange> published = new ArrayList<>();
    /** Reads carried out, and the most content bytes one of them returned. */
    int reads;
    long largestReadBytes;
    private int epochs;
    private int maxEntries = Integer.MAX_VALUE;
    private long budgetBytes = Long.MAX_VALUE;
    private boolean holding;
    private boolean answeringLater;
    private boolean down;

    /** From now on calls wait for {@link #release}. */
    void hold() {
        holding = true;
    }

    /** From now on calls are carried out at once, but answered only when {@link #release released}. */
    void holdAnswers() {
        answeringLater = true;
    }

    /** Carries out the held call at {@code index} (0 = the oldest still held). */
    void release(int index) {
        held.remove(index).run();
    }

    void releaseAll() {
        holding = false;
        answeringLater = false;
        while (!held.isEmpty()) {
            release(0);
        }
    }

    int heldCalls() {
        return held.size();
    }

    void down(boolean isDown) {
        down = isDown;
    }

    /** Bytes of content one read may return, at least one message (the store's chat.history.max-response-bytes). */
    void budget(long bytes) {
        budgetBytes = bytes;
    }

    void trimTo(int entries) {
        maxEntries = entries;
    }

    /** Everything is gone, as after a restart of a Redis without persistence. */
    void loseEverything() {
        sessions.clear();
    }

    @Override
    public CompletionStage<StoredExchange> append(ExchangeRequest request, boolean mayStartSession) {
        return call(() -> store(request, mayStartSession));
    }

    @Override
    public CompletionStage<SessionHistory> read(String sessionId, HistoryQuery query) {
        return call(() -> history(sessionId, query));
    }

    private <T> CompletionStage<T> call(Supplier<T> work) {
        var result = new CompletableFuture<T>();
        if (answeringLater) {
            var answer = new CompletableFuture<T>();
            carryOut(work, answer);
            held.add(() -> answer.whenComplete((value, failure) -> {
                if (failure != null) {
                    result.completeExceptionally(failure);
                } else {
                    result.complete(value);
                }
            }));
            return result;
        }
        Runnable run = () -> carryOut(work, result);
        if (holding) {
            held.add(run);
        } else {
            run.run();
        }
        return result;
    }

    private <T> void carryOut(Supplier<T> work, CompletableFuture<T> result) {
        if (down) {
            result.completeExceptionally(new HistoryUnavailableException("store down", null));
            return;
        }
        try {
            result.complete(work.get());
        } catch (RuntimeException refused) {
            result.completeExceptionally(refused);
        }
    }

        private StoredExchange store(ExchangeRequest request, boolean mayStartSession) {
        if (!mayStartSession && (sessions.get(request.sessionId()) == null
                || sessions.get(request.sessionId()).epoch == null)) {
            throw new SessionRefusedException("no new sessions now");
        }
        Session session = sessions.computeIfAbsent(request.sessionId(), id -> new Session());
        StoredExchange prior = session.byKey.get(request.idempotencyKey());
        if (prior != null && !prior.sent().content().equals(request.content())) {
            throw new ClientIdReusedException(request.clientId());
        }
        if (prior != null) {
            return new StoredExchange(prior.epoch(), prior.number(), prior.sent(), prior.reply(), prior.client(),
                    true);
        }
        if (session.epoch == null) {
            session.epoch = "e" + (++epochs);
        }
        long n = ++session.number;
        var sent = new ChatMessage(request.content(), request.timestamp(), true, request.sessionId(), ++session.seq,
                request.from());
        var reply = new ChatMessage(ReplyText.of(n, request.content()), request.timestamp(), false,
                request.sessionId(), ++session.seq, request.from());
        session.entries.add(sent);
        session.entries.add(reply);
        ClientTag client = request.clientId() == null ? null : new ClientTag(request.clientId(), request.author());
        if (client != null) {
            session.clientTags.put(sent.seq(), client);
            session.clientTags.put(reply.seq(), client);
        }
        while (session.entries.size() > maxEntries) {
            session.entries.remove(0);
        }
        var exchange = new StoredExchange(session.epoch, n, sent, reply, client, false);
        session.byKey.put(request.idempotencyKey(), exchange);
        published.add(exchange);
        return exchange;
    }

    private SessionHistory history(String sessionId, HistoryQuery query) {
        Session session = sessions.get(sessionId);
        if (session == null) {
            return new SessionHistory(sessionId, List.of(), false, null, 0, null, EmptyReason.never_persisted,
                    Map.of());
        }
        List<ChatMessage> inRange;
        if (query.limit() != null && query.limit() == 0) {
            inRange = List.of();
        } else if (query.since() != null) {
            inRange = session.entries.stream().filter(m -> m.seq() > query.since()).toList();
        } else if (query.before() != null) {
            inRange = session.entries.stream().filter(m -> m.seq() < query.before()).toList();
        } else {
            inRange = List.copyOf(session.entries);
        }
        // as MessageStore: forward from the oldest after since, else backward from the newest; stop at the limit or
        // before the message that would exceed the budget, but always take one
        var taken = new ArrayList<ChatMessage>();
        long used = 0;
        int limit = query.limit() == null ? Integer.MAX_VALUE : query.limit();
        long budget = query.maxBytes() == null ? budgetBytes : Math.min(budgetBytes, query.maxBytes());
        for (int i = 0; i < inRange.size() && taken.size() < limit; i++) {
            ChatMessage message = inRange.get(query.forward() ? i : inRange.size() - 1 - i);
            long size = message.content().getBytes(StandardCharsets.UTF_8).length;
            if (!taken.isEmpty() && used + size > budget) {
                break;
            }
            taken.add(message);
            used += size;
        }
        boolean hasMore = taken.size() < inRange.size();
        reads++;
        largestReadBytes = Math.max(largestReadBytes, used);
        if (!query.forward()) {
            java.util.Collections.reverse(taken);
        }
        return new SessionHistory(sessionId, List.copyOf(taken), hasMore, session.epoch, session.seq, 300L,
                taken.isEmpty() ? EmptyReason.none_in_range : null, Map.copyOf(session.clientTags));
    }
}
