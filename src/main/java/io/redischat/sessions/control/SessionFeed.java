package io.redischat.sessions.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import io.redischat.redis.control.LiveSubscriber;
import io.redischat.redis.control.RedisUnavailableException;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ConnectedFrame;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;
import io.redischat.sessions.entity.SyncFrame;

/**
 * The live messages of one persisted session on this instance, delivered to its connections exactly once and in
 * {@code seq} order. Messages arrive through Redis pub/sub (from any instance) and from this instance's own writes;
 * whichever comes first is delivered, a gap is filled from the stored history, and a new epoch restarts the feed.
 * All state changes run as {@link SerialTasks}, so no lock is held while Redis is asked.
 */
final class SessionFeed implements LiveSubscriber.ChannelListener {

    private static final Logger LOG = Logger.getLogger(SessionFeed.class.getName());
    private static final long UNKNOWN = -1;
    private static final int CATCH_UP_ATTEMPTS = 50;

    private final String sessionId;
    private final MessageStore store;
    private final OutboundFrames frames;
    private final SerialTasks tasks;
    private final long subscribeWaitMs;
    private final String instance;
    private final AtomicInteger joined = new AtomicInteger();
    private final List<ChatConnection> members = new ArrayList<>();
    private volatile CompletableFuture<Void> subscribed = CompletableFuture.completedFuture(null);

    private String epoch;
    private long lastSeq = UNKNOWN;
    private boolean interrupted;
    private boolean retryScheduled;

    SessionFeed(String sessionId, MessageStore store, OutboundFrames frames, SerialTasks tasks, long subscribeWaitMs,
                String instance) {
        this.instance = instance;
        this.sessionId = sessionId;
        this.store = store;
        this.frames = frames;
        this.tasks = tasks;
        this.subscribeWaitMs = subscribeWaitMs;
    }

    void subscribedWhen(CompletableFuture<Void> confirmation) {
        subscribed = confirmation;
    }

    void join(ChatConnection connection, ResumePoint resume, int maxMessageBytes) {
        joined.incrementAndGet();
        tasks.execute(() -> admit(connection, resume, maxMessageBytes));
    }

    /** @return how many connections remain */
    int leave(ChatConnection connection) {
        tasks.execute(() -> members.remove(connection));
        return joined.decrementAndGet();
    }

    void offer(StoredExchange exchange) {
        tasks.execute(() -> deliver(exchange));
    }

    @Override
    public void onMessage(String payload) {
        try {
            offer(LivePayload.parse(sessionId, payload));
        } catch (RuntimeException e) {
            LOG.log(Level.WARNING, "unreadable live payload in session " + sessionId, e);
        }
    }

    @Override
    public void onInterrupted() {
        tasks.execute(() -> {
            interrupted = true;
            broadcast(SyncFrame.of(sessionId, "interrupted", false, epoch, Math.max(lastSeq, 0)));
        });
    }

    @Override
    public void onRestored() {
        tasks.execute(() -> catchUpUntilDone(CATCH_UP_ATTEMPTS));
    }

    /**
     * Catches up, and when Redis cannot be read (it may answer pub/sub a moment before scripts, or be restarting)
     * tries again a little later, so messages known to be stored are never left undelivered.
     */
    private void catchUpUntilDone(int attemptsLeft) {
        if (catchUp() != CatchUp.FAILED || attemptsLeft <= 0 || members.isEmpty() || retryScheduled) {
            return;
        }
        retryScheduled = true;
        CompletableFuture.delayedExecutor(300, TimeUnit.MILLISECONDS, tasks).execute(() -> {
            retryScheduled = false;
            catchUpUntilDone(attemptsLeft - 1);
        });
    }

    private enum CatchUp { COMPLETE, INCOMPLETE, FAILED }

    private void admit(ChatConnection connection, ResumePoint resume, int maxMessageBytes) {
        awaitSubscription();
        SessionHistory snapshot;
        try {
            snapshot = store.history(sessionId, resume == null ? HistoryQuery.metaOnly() : HistoryQuery.after(resume.since()));
        } catch (RedisUnavailableException e) {
            connection.deliveredSeq(Math.max(lastSeq, 0));
            connection.send(frames.toJson(ConnectedFrame.persisted(sessionId, epoch, lastSeq == UNKNOWN ? null : lastSeq,
                    resume == null ? null : Boolean.FALSE, 0, maxMessageBytes, instance)));
            members.add(connection);
            return;
        }
        if (snapshot.epoch() != null) {
            if (lastSeq == UNKNOWN || epoch == null) {
                epoch = snapshot.epoch();
                lastSeq = Math.max(lastSeq, snapshot.lastSeq());
            } else if (!epoch.equals(snapshot.epoch())) {
                catchUpUntilDone(CATCH_UP_ATTEMPTS);
            }
        } else if (lastSeq == UNKNOWN) {
            lastSeq = 0;
        }

        Boolean recovered = null;
        List<ChatMessage> replay = List.of();
        if (resume != null) {
            boolean sameEpoch = resume.epoch() == null || resume.epoch().equals(snapshot.epoch());
            if (snapshot.epoch() == null) {
                recovered = resume.since() == 0;
            } else if (!sameEpoch || resume.since() > snapshot.lastSeq()) {
                recovered = false;
            } else {
                replay = snapshot.messages();
                recovered = replay.isEmpty()
                        ? resume.since() == snapshot.lastSeq()
                        : replay.get(0).seq() == resume.since() + 1;
            }
        }
        connection.deliveredSeq(snapshot.epoch() == null ? 0 : snapshot.lastSeq());
        connection.send(frames.toJson(ConnectedFrame.persisted(sessionId, snapshot.epoch(),
                snapshot.epoch() == null ? 0L : snapshot.lastSeq(), recovered, resume == null ? null : replay.size(),
                maxMessageBytes, instance)));
        for (ChatMessage message : replay) {
            connection.send(frames.toJson(MessageFrame.stored(message, snapshot.epoch(), snapshot.clientIdOf(message),
                    false)));
        }
        members.add(connection);
    }

    private void deliver(StoredExchange exchange) {
        if (epoch != null && lastSeq != UNKNOWN && !epoch.equals(exchange.epoch())) {
            catchUpUntilDone(CATCH_UP_ATTEMPTS);
            return;
        }
        if (epoch == null) {
            epoch = exchange.epoch();
        }
        if (lastSeq == UNKNOWN) {
            lastSeq = exchange.sent().seq() - 1;
        }
        for (ChatMessage message : List.of(exchange.sent(), exchange.reply())) {
            if (message.seq() <= lastSeq) {
                continue;
            }
            if (message.seq() > lastSeq + 1) {
                catchUpUntilDone(CATCH_UP_ATTEMPTS);
                return;
            }
            send(message, exchange.clientId());
            if (message == exchange.reply()) {
                members.forEach(member -> member.observeStoredNumber(exchange.number()));
            }
        }
    }

    /** Delivers whatever the history holds after {@code lastSeq}; says whether everything missed was there. */
    private CatchUp catchUp() {
        SessionHistory history;
        try {
            history = store.history(sessionId, epoch == null ? HistoryQuery.all() : HistoryQuery.after(Math.max(lastSeq, 0)));
        } catch (RedisUnavailableException e) {
            return CatchUp.FAILED;
        }
        boolean complete = true;
        if (history.epoch() == null) {
            if (epoch != null) {
                // the session is gone (Redis lost its data, or it expired): what comes next is a new epoch
                epoch = null;
                lastSeq = 0;
                members.forEach(member -> member.deliveredSeq(0));
                broadcast(SyncFrame.of(sessionId, "reset", false, null, 0));
                complete = false;
            } else if (interrupted) {
                // nothing was ever stored here, so nothing can have been missed
                broadcast(SyncFrame.of(sessionId, "resumed", true, null, 0));
            }
            interrupted = false;
            return complete ? CatchUp.COMPLETE : CatchUp.INCOMPLETE;
        }
        if (epoch != null && !epoch.equals(history.epoch())) {
            epoch = history.epoch();
            lastSeq = 0;
            members.forEach(member -> member.deliveredSeq(0));
            broadcast(SyncFrame.of(sessionId, "reset", false, epoch, history.lastSeq()));
            complete = false;
            try {
                history = store.history(sessionId, HistoryQuery.all());
            } catch (RedisUnavailableException e) {
                return CatchUp.FAILED;
            }
        }
        epoch = history.epoch();
        if (lastSeq == UNKNOWN) {
            lastSeq = 0;
        }
        List<ChatMessage> messages = history.messages();
        if (!messages.isEmpty() && messages.get(0).seq() > lastSeq + 1 && complete) {
            broadcast(SyncFrame.of(sessionId, "gap", false, epoch, history.lastSeq()));
            complete = false;
        }
        for (ChatMessage message : messages) {
            if (message.seq() > lastSeq) {
                send(message, history.clientIdOf(message));
            }
        }
        if (interrupted) {
            interrupted = false;
            if (complete) {
                broadcast(SyncFrame.of(sessionId, "resumed", true, epoch, lastSeq));
            }
        }
        return complete ? CatchUp.COMPLETE : CatchUp.INCOMPLETE;
    }

    private void send(ChatMessage message, String clientId) {
        String frame = frames.toJson(MessageFrame.stored(message, epoch, clientId, false));
        for (ChatConnection member : members) {
            if (member.deliveredSeq() < message.seq()) {
                member.deliveredSeq(message.seq());
                member.send(frame);
            }
        }
        lastSeq = message.seq();
    }

    private void broadcast(SyncFrame frame) {
        String json = frames.toJson(frame);
        members.forEach(member -> member.send(json));
    }

    private void awaitSubscription() {
        try {
            subscribed.get(subscribeWaitMs, TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        } catch (Exception e) {
            // not confirmed in time (Redis down?): join anyway; the subscriber catches up when it is back
        }
    }
}
