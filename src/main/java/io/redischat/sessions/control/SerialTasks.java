package io.redischat.sessions.control;

import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.logging.Level;
import java.util.logging.Logger;

/**
 * Runs tasks one after the other, in submission order, on threads of a shared pool. A turn on a pool thread runs at
 * most {@link #TURN} tasks and then goes to the back of the pool's queue: a session that never runs out of work must
 * not keep a thread for itself, or with more busy sessions than threads the others never run.
 */
final class SerialTasks implements Executor {

    private static final Logger LOG = Logger.getLogger(SerialTasks.class.getName());

    static final int HERE_AT_MOST = 4;
    /** Tasks one turn on a pool thread runs before it lets the pool's other work go first. */
    static final int TURN = 64;

    private final Executor pool;
    private final Queue<Runnable> queue = new ConcurrentLinkedQueue<>();
    private final AtomicBoolean draining = new AtomicBoolean();

    SerialTasks(Executor pool) {
        this.pool = pool;
    }

    @Override
    public void execute(Runnable task) {
        queue.add(task);
        schedule();
    }

    /**
     * Runs the task on the calling thread when none of these tasks is running (and at most {@link #HERE_AT_MOST} of
     * those queued behind it), else queues it: a caller done with its own work saves the hand-off to the pool.
     */
    void executeHere(Runnable task) {
        queue.add(task);
        if (draining.compareAndSet(false, true)) {
            drain(HERE_AT_MOST);
        }
    }

    private void schedule() {
        if (draining.compareAndSet(false, true)) {
            pool.execute(this::drain);
        }
    }

    private void drain() {
        drain(TURN);
    }

    private void drain(int atMost) {
        try {
            Runnable task;
            int ran = 0;
            while (ran++ < atMost && (task = queue.poll()) != null) {
                try {
                    task.run();
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "task failed", e);
                }
                // an Error still ends the drain, but the finally below lets the next task run
            }
        } finally {
            draining.set(false);
            if (!queue.isEmpty()) {
                schedule();
            }
        }
    }
}
