package io.redischat.sessions.control;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.redis.control.DaemonThreadFactory;
import io.redischat.redis.control.LiveSubscriber;
import io.redischat.redis.control.RedisFailure;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ConnectedFrame;
import io.redischat.sessions.entity.ErrorCode;
import io.redischat.sessions.entity.ErrorFrame;
import io.redischat.sessions.entity.InboundMessage;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.StoredExchange;

/**
 * The live side of chat sessions on this instance. A message on a persisted connection goes to Redis; what Redis
 * stored reaches every persisted connection of the session, on every instance, through the session's
 * {@link SessionFeed}. A connection without persistence only gets its own echo.
 */
@ApplicationScoped
public class ChatRoom {

    private static final Logger LOG = Logger.getLogger(ChatRoom.class.getName());

    @Inject
    MessageStore store;

    @Inject
    OutboundFrames frames;

    @Inject
    LiveSubscriber subscriber;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperty(name = "chat.connection.max-pending-writes", defaultValue = "256")
    int maxPendingWrites;

    @Inject
    @ConfigProperty(name = "chat.feed.threads", defaultValue = "4")
    int feedThreads;

    @Inject
    @ConfigProperty(name = "chat.pubsub.subscribe-wait-ms", defaultValue = "2000")
    long subscribeWaitMs;

    @Inject
    @ConfigProperty(name = "chat.session.max-connections", defaultValue = "64")
    int maxConnectionsPerSession;

    @Inject
    @ConfigProperty(name = "chat.max-connections", defaultValue = "10000")
    int maxConnections;

    private final ConcurrentHashMap<String, SessionFeed> feeds = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> connectionsPerSession = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();
    private ExecutorService feedPool;

    @PostConstruct
    void start() {
        feedPool = Executors.newFixedThreadPool(feedThreads, new DaemonThreadFactory("redis-chat-feed"));
        metrics.gauge("chat_connections_open", "open WebSocket connections on this instance", this,
                ChatRoom::openConnections);
        metrics.gauge("chat_sessions_live", "persisted sessions with clients on this instance", this,
                ChatRoom::liveSessions);
        metrics.gauge("chat_pubsub_reconnects", "times the Redis pub/sub connection was made again", subscriber,
                LiveSubscriber::reconnects);
    }

    /** Created with the application, so metrics and the pub/sub connection exist before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        subscriber.instanceId();
    }

    @PreDestroy
    void stop() {
        feedPool.shutdownNow();
    }

    /**
     * Adds the connection to its session. The client gets a {@code connected} frame once it is sure to receive every
     * later message; with a {@code resume} point, the messages it missed follow that frame.
     */
    public void join(ChatConnection connection, ResumePoint resume, int maxMessageBytes) {
        if (!connection.persistent()) {
            connection.send(frames.toJson(ConnectedFrame.unpersisted(connection.sessionId(), maxMessageBytes,
                    subscriber.instanceId())));
            return;
        }
        feeds.compute(connection.sessionId(), (sessionId, feed) -> {
            SessionFeed joined = feed;
            if (joined == null) {
                joined = new SessionFeed(sessionId, store, frames, new SerialTasks(feedPool), subscribeWaitMs,
                        subscriber.instanceId());
                joined.subscribedWhen(subscriber.subscribe(store.channel(sessionId), joined));
            }
            joined.join(connection, resume, maxMessageBytes);
            return joined;
        });
    }

    /**
     * Counts the connection in, or says why not (null = admitted): limits of connections per session and in total.
     * Every admitted connection must {@link #leave} once.
     */
    public String admit(String sessionId) {
        if (openConnections.incrementAndGet() > maxConnections) {
            openConnections.decrementAndGet();
            metrics.rejected("too_many_connections");
            return "too many connections on this instance (" + maxConnections + ")";
        }
        AtomicInteger inSession = connectionsPerSession.computeIfAbsent(sessionId, id -> new AtomicInteger());
        if (inSession.incrementAndGet() > maxConnectionsPerSession) {
            release(sessionId);
            metrics.rejected("too_many_session_connections");
            return "too many connections to this session (" + maxConnectionsPerSession + ")";
        }
        return null;
    }

    private void release(String sessionId) {
        openConnections.decrementAndGet();
        connectionsPerSession.computeIfPresent(sessionId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    public void leave(ChatConnection connection) {
        release(connection.sessionId());
        if (!connection.persistent()) {
            return;
        }
        feeds.computeIfPresent(connection.sessionId(), (sessionId, feed) -> {
            if (feed.leave(connection) > 0) {
                return feed;
            }
            subscriber.unsubscribe(store.channel(sessionId));
            return null;
        });
    }

    public int openConnections() {
        return openConnections.get();
    }

    public int liveSessions() {
        return feeds.size();
    }

    public void reject(ChatConnection connection, ErrorCode code, String message, String clientId) {
        connection.send(frames.toJson(ErrorFrame.of(code, message, clientId)));
    }

    public void receive(ChatConnection from, InboundMessage message) {
        long now = System.currentTimeMillis();
        metrics.received();
        if (!from.persistent()) {
            answerUnstored(from, message, from.nextLocalNumber(), now);
            return;
        }
        if (!from.tryStartWrite(maxPendingWrites)) {
            metrics.rejected("too_many_pending");
            reject(from, ErrorCode.TOO_MANY_PENDING,
                    "more than " + maxPendingWrites + " messages are waiting for Redis; this one was not stored",
                    message.clientId());
            return;
        }
        from.afterPreviousWrite(() -> store.append(from.sessionId(), message, now)).whenComplete((stored, failure) -> {
            from.finishWrite();
            try {
                if (failure != null) {
                    metrics.failed();
                    answerUnstored(from, message, from.nextLocalNumber(), now);
                    reject(from, ErrorCode.REDIS_UNAVAILABLE, "message not stored: " + RedisFailure.describe(failure),
                            message.clientId());
                } else if (stored.duplicate()) {
                    metrics.persisted();
                    from.send(frames.toJson(MessageFrame.stored(stored.sent(), stored.epoch(), message.clientId(), true)));
                    from.send(frames.toJson(MessageFrame.stored(stored.reply(), stored.epoch(), message.clientId(), true)));
                } else {
                    metrics.persisted();
                    // usually pub/sub delivered it already; this covers a late or lost publish
                    SessionFeed feed = feeds.get(from.sessionId());
                    if (feed != null) {
                        feed.offer(stored);
                    }
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "answering a message failed in session " + from.sessionId(), e);
            }
        });
    }

    private void answerUnstored(ChatConnection to, InboundMessage message, long number, long now) {
        var sent = new ChatMessage(message.content(), now, true, to.sessionId(), null);
        var reply = new ChatMessage(ReplyText.of(number, message.content()), now, false, to.sessionId(), null);
        to.send(frames.toJson(MessageFrame.unstored(sent, message.clientId())));
        to.send(frames.toJson(MessageFrame.unstored(reply, message.clientId())));
    }
}
