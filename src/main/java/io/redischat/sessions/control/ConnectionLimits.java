package io.redischat.sessions.control;

import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.ChatMetrics;

/** Counts the open WebSocket connections of this instance, in all and per session, and refuses beyond the limits. */
@ApplicationScoped
public class ConnectionLimits {

    @Inject
    @ConfigProperties
    ChatLimits limits;

    @Inject
    ChatMetrics metrics;

    private final ConcurrentHashMap<String, AtomicInteger> connectionsPerSession = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();

    @PostConstruct
    void start() {
        metrics.gauge("chat_connections_open", "open WebSocket connections on this instance", this,
                ConnectionLimits::openConnections);
    }

    /** Made with the application, so its metrics exist before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    /**
     * Counts the connection in, or says why not (null = admitted). Every admitted connection must be
     * {@link #release released} once.
     */
    public String admit(String sessionId) {
        if (openConnections.incrementAndGet() > limits.maxConnections) {
            openConnections.decrementAndGet();
            metrics.rejected("too_many_connections");
            return "too many connections on this instance (" + limits.maxConnections + ")";
        }
        AtomicInteger inSession = connectionsPerSession.computeIfAbsent(sessionId, id -> new AtomicInteger());
        if (inSession.incrementAndGet() > limits.maxConnectionsPerSession) {
            release(sessionId);
            metrics.rejected("too_many_session_connections");
            return "too many connections to this session (" + limits.maxConnectionsPerSession + ")";
        }
        return null;
    }

    public void release(String sessionId) {
        openConnections.decrementAndGet();
        connectionsPerSession.computeIfPresent(sessionId, (id, count) -> count.decrementAndGet() <= 0 ? null : count);
    }

    public int openConnections() {
        return openConnections.get();
    }
}
