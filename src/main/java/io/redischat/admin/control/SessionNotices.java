package io.redischat.admin.control;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.LogText;
import io.redischat.redis.control.LiveSubscriber;
import io.redischat.redis.control.StoreSettings;
import io.redischat.sessions.control.ChatConnection;
import io.redischat.sessions.control.ConnectionLimits;
import io.redischat.sessions.control.OutboundFrames;
import io.redischat.sessions.control.SessionIds;
import io.redischat.sessions.entity.SyncFrame;

/**
 * Admin notices between instances, on the pub/sub channel {@code chat:admin:notices}: {@code deleted <sessionId>}
 * makes every instance send the session's sockets a {@code sync} frame with state {@code deleted} and close them
 * (1000, "session deleted by an administrator") a moment later, once the frame is on its way.
 */
@ApplicationScoped
public class SessionNotices {

    static final String CLOSE_REASON = "session deleted by an administrator";
    private static final String DELETED = "deleted ";
    private static final long CLOSE_AFTER_MS = 250;
    private static final Logger LOG = Logger.getLogger(SessionNotices.class.getName());

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    LiveSubscriber subscriber;

    @Inject
    ConnectionLimits connections;

    @Inject
    OutboundFrames frames;

    @Inject
    AdminAccess access;

    private ScheduledExecutorService closer;

    /** Subscribed only with the admin API on (no deletes otherwise): set the same token on every instance. */
    @PostConstruct
    void start() {
        closer = Executors.newSingleThreadScheduledExecutor(
                new io.redischat.sessions.control.DaemonThreadFactory("redis-chat-admin-notices"));
        if (access.token() == null) {
            return;
        }
        subscriber.subscribe(channel(), new LiveSubscriber.ChannelListener() {
            @Override
            public void onMessage(String payload) {
                closer.execute(() -> received(payload));
            }

            @Override
            public void onInterrupted() {
                // a notice missed while Redis was away: the session's keys are gone anyway
            }

            @Override
            public void onRestored() {
                // nothing to catch up
            }
        });
    }

    /** Subscribed with the application, so every instance hears a delete. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    @PreDestroy
    void stop() {
        closer.shutdownNow();
    }

    public String channel() {
        return settings.keyPrefix + ":admin:notices";
    }

    static String deleted(String sessionId) {
        return DELETED + sessionId;
    }

    private void received(String payload) {
        if (!payload.startsWith(DELETED)) {
            return;
        }
        String sessionId = payload.substring(DELETED.length());
        if (!SessionIds.isValid(sessionId)) {
            return;
        }
        String frame = frames.toJson(SyncFrame.of(sessionId, "deleted", false, null, 0));
        int closed = 0;
        for (ChatConnection connection : connections.open()) {
            if (connection.persistent() && connection.sessionId().equals(sessionId)) {
                connection.send(frame);
                closer.schedule(() -> connection.close(CloseReason.CloseCodes.NORMAL_CLOSURE, CLOSE_REASON),
                        CLOSE_AFTER_MS, TimeUnit.MILLISECONDS);
                closed++;
            }
        }
        int count = closed;
        LOG.info(() -> "session deleted by an administrator session=" + LogText.of(sessionId) + " closing=" + count);
    }
}
