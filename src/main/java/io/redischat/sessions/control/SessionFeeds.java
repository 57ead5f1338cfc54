package io.redischat.sessions.control;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.SendLimits;
import io.redischat.sessions.entity.StoredExchange;

/**
 * The {@link SessionFeed}s of the persisted sessions that have connections on this instance: made with the first
 * connection, subscribed to the session's live exchanges, dropped and unsubscribed with the last.
 */
@ApplicationScoped
public class SessionFeeds {

    @Inject
    @ConfigProperties
    ChatLimits limits;

    @Inject
    MessageLog log;

    @Inject
    LiveExchanges live;

    @Inject
    OutboundFrames frames;

    @Inject
    ChatMetrics metrics;

    private final ConcurrentHashMap<String, SessionFeed> feeds = new ConcurrentHashMap<>();
    private ExecutorService pool;
    private ScheduledExecutorService timer;
    private RecentFramesBudget recentFrames;

    @PostConstruct
    void start() {
        recentFrames = new RecentFramesBudget(limits.recentFramesChars);
        pool = Executors.newFixedThreadPool(limits.feedThreads, new DaemonThreadFactory("redis-chat-feed"));
        timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("redis-chat-feed-timer"));
        metrics.gauge("chat_sessions_live", "persisted sessions with clients on this instance", this,
                SessionFeeds::liveSessions);
        metrics.gauge("chat_recent_frames_chars", "characters of recent frames the live sessions keep", this,
                SessionFeeds::recentFramesChars);
    }

    /** Made with the application, so its metrics exist before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    @PreDestroy
    void stop() {
        pool.shutdownNow();
        timer.shutdownNow();
    }

    /** Adds a persisted connection to its session's feed; it gets {@code connected} once its place is known. */
    public void join(ChatConnection connection, ResumePoint resume, SendLimits sendLimits) {
        SessionFeed[] made = new SessionFeed[1];
        SessionFeed feed = feeds.compute(connection.sessionId(), (sessionId, existing) -> {
            SessionFeed joined = existing;
            if (joined == null) {
                joined = new SessionFeed(sessionId, log, frames, new SerialTasks(pool),
                        (millis, task) -> timer.schedule(task, millis, TimeUnit.MILLISECONDS), live.instanceId(),
                        new SessionFeed.Pacing(readBytes(), limits.sendTimeoutMs, recentFrames));
                made[0] = joined;
            }
            joined.countIn();
            return joined;
        });
        if (made[0] != null) {
            subscribe(made[0]);
        }
        feed.join(connection, resume, sendLimits);
    }

    /** Characters of recent frames all feeds keep now (a gauge for operators). */
    public long recentFramesChars() {
        return recentFrames.used();
    }

    /**
     * What the feed reads at a time: half a send buffer, what a socket may have waiting, but not less than the recent
     * messages the feed keeps (with send buffers of a message or two, a read of one message at a time would leave a
     * member that fell behind catching up far slower than the session is written).
     */
    private long readBytes() {
        return Math.max(limits.sendBufferBytes / 2, SessionFeed.RECENT_CHARS);
    }

    public void leave(ChatConnection connection) {
        SessionFeed[] emptied = new SessionFeed[1];
        SessionFeed feed = feeds.computeIfPresent(connection.sessionId(), (sessionId, existing) -> {
            if (existing.countOut() > 0) {
                return existing;
            }
            emptied[0] = existing;
            return null;
        });
        if (feed != null) {
            feed.leave(connection);
        }
        if (emptied[0] != null) {
            emptied[0].leave(connection);
            unsubscribe(emptied[0]);
        }
    }

    /** What this instance stored reaches the feed at once, whether or not pub/sub brings it too. */
    public void stored(String sessionId, StoredExchange exchange) {
        SessionFeed feed = feeds.get(sessionId);
        if (feed != null) {
            feed.onStored(exchange);
            live.deliveredHere(sessionId, exchange.epoch(), exchange.reply().seq());
        }
    }

    public int liveSessions() {
        return feeds.size();
    }

    /**
     * Subscribes outside the map's lock (it writes to the pub/sub connection); the feed's own lock keeps its
     * subscribe before its unsubscribe.
     */
    private void subscribe(SessionFeed feed) {
        synchronized (feed) {
            if (feeds.get(feed.sessionId()) != feed) {
                return;
            }
            live.subscribe(feed.sessionId(), feed).whenComplete((confirmed, failure) -> {
                if (failure == null) {
                    feed.subscribed();
                }
            });
        }
    }

    private void unsubscribe(SessionFeed feed) {
        synchronized (feed) {
            live.unsubscribe(feed.sessionId(), feed);
        }
    }
}
