package io.redischat.sessions.control;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.websocket.CloseReason;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * Ends every connection exactly once, whoever notices first: the socket's close or error, or this watch. On one
 * timer it pings every open socket, closes those that stayed silent (not even a pong) for a ping interval and the
 * pong timeout, and ends those the container closed without telling the endpoint (a handshake aborted before the
 * socket was registered skips {@code @OnClose} in Tyrus). The watch's own thread never waits for a socket: closes go
 * to their own threads and pings to a ping pass, so a socket the container blocks on cannot stop the watch; a socket
 * whose ping the container holds longer than the pong timeout is ended, and the others are pinged by a new pass. A
 * connection the watch gives up on is released at once, whatever its close is still doing.
 */
@ApplicationScoped
public class ConnectionWatch {

    private static final Logger LOG = Logger.getLogger(ConnectionWatch.class.getName());

    @Inject
    ConnectionLimits limits;

    @Inject
    MessageIntake intake;

    @Inject
    @ConfigProperties
    ChatLimits settings;

    private ScheduledExecutorService timer;
    private ExecutorService pinger;
    private final Set<PingPass> passes = ConcurrentHashMap.newKeySet();

    @PostConstruct
    void start() {
        var scheduler = new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("redis-chat-ping"));
        // a token's expiry is hours away: a socket that ends before must not keep its task until then
        scheduler.setRemoveOnCancelPolicy(true);
        timer = scheduler;
        // a thread per pass: a pass the container blocks for good keeps its thread, the next pass gets another
        pinger = Executors.newCachedThreadPool(new DaemonThreadFactory("redis-chat-ping-send"));
        timer.scheduleWithFixedDelay(this::safeRound, settings.pingIntervalMs, settings.pingIntervalMs,
                TimeUnit.MILLISECONDS);
    }

    /** Made with the application: the watch runs before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        pinger.shutdownNow();
    }

    /** The connection is over: its slots and its place in the session's feed are given back, once. */
    public boolean end(ChatConnection connection) {
        if (!limits.release(connection)) {
            return false;
        }
        connection.cancelExpiry();
        intake.close(connection);
        return true;
    }

    /** Runs a task once after a delay on the watch's timer (a socket's deadline to authenticate). */
    public Future<?> after(long delayMillis, Runnable task) {
        return timer.schedule(() -> {
            try {
                task.run();
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a socket's deadline failed", e);
            }
        }, delayMillis, TimeUnit.MILLISECONDS);
    }

    /**
     * Closes the connection with 1008 when its token stops being valid; called again with a later token of the same
     * subject, it moves the moment.
     */
    public void expireAt(ChatConnection connection, Instant validUntil) {
        long delay = Math.max(0, Duration.between(Instant.now(), validUntil).toMillis());
        connection.expireWith(after(delay, () -> {
            LOG.info(() -> "ws token expired session=" + connection.sessionId() + " socket=" + connection.id() + " "
                    + connection.logText());
            connection.closeLater(CloseReason.CloseCodes.VIOLATED_POLICY, "token expired: reconnect with a new token");
        }));
    }

    /** A round that throws would end the fixed-delay schedule for good, and with it every later release. */
    private void safeRound() {
        try {
            round();
        } catch (Throwable e) {
            LOG.log(Level.WARNING, "a watch round failed; the next one runs as planned", e);
        }
    }

    void round() {
        long now = System.nanoTime();
        long pongTimeout = TimeUnit.MILLISECONDS.toNanos(settings.pongTimeoutMs);
        var toPing = new ArrayList<ChatConnection>();
        for (ChatConnection connection : limits.open()) {
            try {
                if (!connection.isOpen()) {
                    if (end(connection)) {
                        LOG.info(() -> "ws swept session=" + connection.sessionId() + " socket=" + connection.id()
                                + " " + connection.logText());
                    }
                } else if (connection.pingStuck(now, pongTimeout)) {
                    giveUp(connection, "stuck");
                } else if (connection.pongOverdue(now, pongTimeout)) {
                    giveUp(connection, "timeout");
                } else if (connection.needsPing()) {
                    toPing.add(connection);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "watching socket " + connection.id() + " failed", e);
            }
        }
        // one ping pass at a time, unless every pass still running is stuck on a socket (then that socket is ended
        // above, and a new pass pings the others): a socket the container blocks on must not silence all the others
        if (!toPing.isEmpty() && passes.stream().allMatch(pass -> pass.stuck(now, pongTimeout))) {
            var pass = new PingPass(toPing);
            passes.add(pass);
            pinger.execute(() -> {
                try {
                    pass.run();
                } finally {
                    passes.remove(pass);
                }
            });
        }
    }

    /** Closes a socket that did not answer its ping (on another thread) and releases its slots at once. */
    private void giveUp(ChatConnection connection, String why) {
        connection.closeLater(CloseReason.CloseCodes.GOING_AWAY, "no answer to ping");
        if (end(connection)) {
            LOG.info(() -> "ws ping " + why + " session=" + connection.sessionId() + " socket=" + connection.id() + " "
                    + connection.logText());
        }
    }

    /** Pings sockets one after the other; knows which ping it is waiting for. */
    private static final class PingPass {
        private final List<ChatConnection> sockets;
        private volatile ChatConnection current;

        PingPass(List<ChatConnection> sockets) {
            this.sockets = sockets;
        }

        void run() {
            for (ChatConnection socket : sockets) {
                current = socket;
                socket.ping();
            }
            current = null;
        }

        boolean stuck(long now, long limitNanos) {
            ChatConnection waitingFor = current;
            return waitingFor != null && waitingFor.pingStuck(now, limitNanos);
        }
    }
}
