package io.redischat.sessions.control;

import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.ChatMetrics;

/**
 * Counts the open WebSocket connections of this instance, in all, per session and per client address, and refuses
 * beyond the limits. Every admitted connection is released exactly once, whoever notices first that it ended.
 */
@ApplicationScoped
public class ConnectionLimits {

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperties
    ChatLimits limits;

    private final Set<ChatConnection> open = ConcurrentHashMap.newKeySet();
    private final ConcurrentHashMap<String, AtomicInteger> perSession = new ConcurrentHashMap<>();
    private final ConcurrentHashMap<String, AtomicInteger> perClient = new ConcurrentHashMap<>();
    private final AtomicInteger openConnections = new AtomicInteger();

    private MemoryBudget budget;

    @PostConstruct
    void start() {
        budget = new MemoryBudget(limits.sendBuffersBytes, limits.pendingWritesBytes);
        metrics.gauge("chat_memory_send_bytes", "bytes of frames waiting to be sent on all sockets", this,
                ConnectionLimits::sendBytes);
        metrics.gauge("chat_memory_pending_write_bytes", "bytes of messages waiting for Redis on all sockets", this,
                ConnectionLimits::pendingWriteBytes);
        metrics.gauge("chat_connections_open", "open WebSocket connections on this instance", this,
                ConnectionLimits::openConnections);
    }

    /** Made with the application, so its metrics exist before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    /**
     * Counts the connection in, or says why not (null = admitted). Every admitted connection must be
     * {@link #release released}; releasing more than once is harmless.
     */
    public String admit(ChatConnection connection) {
        if (openConnections.incrementAndGet() > limits.maxConnections) {
            openConnections.decrementAndGet();
            metrics.rejected("too_many_connections");
            return "too many connections on this instance (" + limits.maxConnections + ")";
        }
        if (count(perClient, connection.clientAddress()) > limits.maxConnectionsPerClient) {
            uncount(perClient, connection.clientAddress());
            openConnections.decrementAndGet();
            metrics.rejected("too_many_client_connections");
            return "too many connections from your address (" + limits.maxConnectionsPerClient + ")";
        }
        if (count(perSession, connection.sessionId()) > limits.maxConnectionsPerSession) {
            uncount(perSession, connection.sessionId());
            uncount(perClient, connection.clientAddress());
            openConnections.decrementAndGet();
            metrics.rejected("too_many_session_connections");
            return "too many connections to this session (" + limits.maxConnectionsPerSession + ")";
        }
        open.add(connection);
        return null;
    }

    /** @return true the first time, when the connection's slots were given back */
    public boolean release(ChatConnection connection) {
        // removal from the set succeeds once: that is what makes a release happen exactly once
        if (!open.remove(connection)) {
            return false;
        }
        uncount(perSession, connection.sessionId());
        uncount(perClient, connection.clientAddress());
        openConnections.decrementAndGet();
        return true;
    }

    /** The admitted connections not yet released. */
    public Set<ChatConnection> open() {
        return open;
    }

    /** The heap all connections of this instance may fill together. */
    public MemoryBudget budget() {
        return budget;
    }

    public long sendBytes() {
        return budget.sendBytes();
    }

    public long pendingWriteBytes() {
        return budget.writeBytes();
    }

    public int openConnections() {
        return openConnections.get();
    }

    public int maxConnections() {
        return limits.maxConnections;
    }

    /** Counts one more under the key's lock, so a concurrent last release cannot drop the count it adds to. */
    private static int count(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        int[] now = new int[1];
        counts.compute(key, (k, count) -> {
            AtomicInteger counted = count == null ? new AtomicInteger() : count;
            now[0] = counted.incrementAndGet();
            return counted;
        });
        return now[0];
    }

    private static void uncount(ConcurrentHashMap<String, AtomicInteger> counts, String key) {
        counts.computeIfPresent(key, (k, count) -> count.decrementAndGet() <= 0 ? null : count);
    }
}
