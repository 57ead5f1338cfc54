package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertSame;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ScheduledThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

class IdleTimerBypassTest {

    /** Named as Tyrus names its idle-timeout task. */
    static final class IdleTimeoutCommand implements Runnable {
        final AtomicInteger runs = new AtomicInteger();

        @Override
        public void run() {
            runs.incrementAndGet();
        }
    }

    @Test
    void onlyAnIdleTimeoutTaskDueAtOnceIsDroppedEverythingElseRuns() throws Exception {
        var real = new ScheduledThreadPoolExecutor(1);
        try {
            var scheduler = new IdleTimerBypass.WithoutNoOpIdleTasks(real);
            var noOp = new IdleTimeoutCommand();
            assertSame(IdleTimerBypass.Dropped.INSTANCE, scheduler.schedule(noOp, 0, TimeUnit.MILLISECONDS));
            assertTrue(scheduler.schedule(noOp, 0, TimeUnit.MILLISECONDS).isDone());

            // a real timeout (not 0) still fires, and so does any other task
            var timeout = new IdleTimeoutCommand();
            scheduler.schedule(timeout, 10, TimeUnit.MILLISECONDS).get(5, TimeUnit.SECONDS);
            var other = new CountDownLatch(1);
            scheduler.schedule(other::countDown, 0, TimeUnit.MILLISECONDS);
            assertTrue(other.await(5, TimeUnit.SECONDS));
            assertEquals(0, noOp.runs.get());
            assertEquals(1, timeout.runs.get());

            scheduler.shutdownNow();
            assertTrue(!real.isShutdown(), "a session's close does not stop the shared timer");
        } finally {
            real.shutdownNow();
        }
    }
}
