package io.redischat.sessions.boundary;

import java.lang.reflect.Field;
import java.util.List;
import java.util.concurrent.AbstractExecutorService;
import java.util.concurrent.Callable;
import java.util.concurrent.Delayed;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.Session;

import io.redischat.sessions.control.DaemonThreadFactory;

/**
 * Takes the container's idle timer off the message path, where the container is Tyrus (Payara).
 * <p>
 * Tyrus re-arms a session's idle timeout on every frame sent and received, even when the timeout is 0 (then the task
 * it schedules does nothing), on the server's managed scheduled executor; on Payara each such schedule captures the
 * request context, which looks up context providers through the class path: profiling showed half of all CPU
 * samples there under load. This replaces the session's executor with one that drops exactly that no-op task (an
 * idle-timeout task due at once) and runs every other task on a plain scheduler. Idle and dead sockets are the
 * {@code ConnectionWatch}'s job (its pings), so nothing is lost. On other containers (no such field) it does
 * nothing.
 */
final class IdleTimerBypass {

    private static final Logger LOG = Logger.getLogger(IdleTimerBypass.class.getName());
    private static final ScheduledExecutorService SCHEDULER = new WithoutNoOpIdleTasks(
            new ScheduledThreadPoolExecutor(1, new DaemonThreadFactory("redis-chat-ws-timer")));
    private static volatile Field executorField;
    private static volatile boolean unavailable;
    private static volatile boolean containerApplied;

    private IdleTimerBypass() {
    }

    /** @return whether the socket's executor was replaced */
    static boolean apply(Session socket) {
        if (containerApplied) {
            // the session was made with this scheduler already
            return true;
        }
        if (unavailable) {
            return false;
        }
        try {
            Field field = executorField;
            if (field == null || field.getDeclaringClass() != socket.getClass()) {
                field = find(socket.getClass());
                if (field == null) {
                    unavailable = true;
                    return false;
                }
                executorField = field;
            }
            field.set(socket, SCHEDULER);
            return true;
        } catch (ReflectiveOperationException | RuntimeException e) {
            unavailable = true;
            LOG.log(Level.INFO, "the container's per-frame idle timer stays (cannot replace its executor)", e);
            return false;
        }
    }

    /**
     * Gives the container's sessions this scheduler from their start: Tyrus arms the idle timer once in each
     * session's constructor too, before {@link #apply} can reach the session, on the scheduler the container hands
     * out (a fifth of a handshake's CPU samples, capturing the request context). Where the container is not Tyrus'
     * (no such field), nothing changes and {@link #apply} still covers the message path.
     *
     * @return whether the container hands out this scheduler now
     */
    static boolean applyToContainer(Object container) {
        for (Class<?> type = container == null ? null : container.getClass(); type != null;
             type = type.getSuperclass()) {
            if (!type.getName().equals("org.glassfish.tyrus.core.BaseContainer")) {
                continue;
            }
            try {
                Field field = type.getDeclaredField("managedScheduledExecutorService");
                if (field.getType() != ScheduledExecutorService.class) {
                    return false;
                }
                field.setAccessible(true);
                field.set(container, SCHEDULER);
                containerApplied = true;
                LOG.info("the WebSocket container's sessions start on redis-chat's timer: the per-frame idle timer is"
                        + " off the message path");
                return true;
            } catch (ReflectiveOperationException | RuntimeException e) {
                LOG.log(Level.INFO, "the WebSocket container keeps its own scheduler", e);
                return false;
            }
        }
        return false;
    }

    private static Field find(Class<?> type) {
        if (!type.getName().equals("org.glassfish.tyrus.core.TyrusSession")) {
            return null;
        }
        for (Field field : type.getDeclaredFields()) {
            if (field.getType() == ScheduledExecutorService.class && field.getName().equals("service")) {
                field.setAccessible(true);
                LOG.info("Tyrus sessions use redis-chat's timer: the per-frame idle timer is off the message path");
                return field;
            }
        }
        return null;
    }

    /** A scheduler that drops Tyrus' idle-timeout task when it is due at once (a timeout of 0: it would do nothing). */
    static final class WithoutNoOpIdleTasks extends AbstractExecutorService implements ScheduledExecutorService {
        private final ScheduledExecutorService delegate;

        WithoutNoOpIdleTasks(ScheduledExecutorService delegate) {
            this.delegate = delegate;
        }

        static boolean noOpIdleTask(Runnable command, long delay) {
            return delay <= 0 && command.getClass().getName().endsWith("$IdleTimeoutCommand");
        }

        @Override
        public ScheduledFuture<?> schedule(Runnable command, long delay, TimeUnit unit) {
            return noOpIdleTask(command, delay) ? Dropped.INSTANCE : delegate.schedule(command, delay, unit);
        }

        @Override
        public <V> ScheduledFuture<V> schedule(Callable<V> callable, long delay, TimeUnit unit) {
            return delegate.schedule(callable, delay, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleAtFixedRate(Runnable command, long initialDelay, long period, TimeUnit unit) {
            return delegate.scheduleAtFixedRate(command, initialDelay, period, unit);
        }

        @Override
        public ScheduledFuture<?> scheduleWithFixedDelay(Runnable command, long initialDelay, long delay,
                                                         TimeUnit unit) {
            return delegate.scheduleWithFixedDelay(command, initialDelay, delay, unit);
        }

        @Override
        public void execute(Runnable command) {
            delegate.execute(command);
        }

        /** Shared by every session: a session's close must not stop it. */
        @Override
        public void shutdown() {
            // not ours to stop
        }

        @Override
        public List<Runnable> shutdownNow() {
            return List.of();
        }

        @Override
        public boolean isShutdown() {
            return false;
        }

        @Override
        public boolean isTerminated() {
            return false;
        }

        @Override
        public boolean awaitTermination(long timeout, TimeUnit unit) {
            return false;
        }
    }

    /** The future of a task that was never scheduled: done, as cancelled. */
    static final class Dropped implements ScheduledFuture<Object> {
        static final Dropped INSTANCE = new Dropped();

        private Dropped() {
        }

        @Override
        public long getDelay(TimeUnit unit) {
            return 0;
        }

        @Override
        public int compareTo(Delayed other) {
            return Long.compare(0, other.getDelay(TimeUnit.NANOSECONDS));
        }

        @Override
        public boolean cancel(boolean mayInterruptIfRunning) {
            return false;
        }

        @Override
        public boolean isCancelled() {
            return true;
        }

        @Override
        public boolean isDone() {
            return true;
        }

        @Override
        public Object get() {
            throw new java.util.concurrent.CancellationException();
        }

        @Override
        public Object get(long timeout, TimeUnit unit) {
            throw new java.util.concurrent.CancellationException();
        }
    }
}
