package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.Test;

class SerialTasksTest {

    /**
     * Two sessions that never run out of work on a pool of one thread: the second must run too. Before turns were
     * bounded, a drain ran for as long as its session had tasks, and with more busy sessions than feed threads the
     * others waited until the load stopped (500 sockets in 10 sessions of 50 on 4 feed threads: 6 sessions silent).
     */
    @Test
    void aSessionThatNeverRunsOutOfWorkDoesNotStarveAnother() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(1);
        try {
            var busy = new SerialTasks(pool);
            var stop = new AtomicBoolean();
            Runnable[] forever = new Runnable[1];
            forever[0] = () -> {
                if (!stop.get()) {
                    busy.execute(forever[0]);
                }
            };
            busy.execute(forever[0]);
            var other = new SerialTasks(pool);
            var ran = new CountDownLatch(1);
            other.execute(ran::countDown);
            assertTrue(ran.await(5, TimeUnit.SECONDS), "the second session's task never ran");
            stop.set(true);
        } finally {
            pool.shutdownNow();
        }
    }

    @Test
    void tasksRunOneAtATimeInTheOrderTheyCameAcrossTurns() throws Exception {
        ExecutorService pool = Executors.newFixedThreadPool(4);
        try {
            var tasks = new SerialTasks(pool);
            List<Integer> order = Collections.synchronizedList(new ArrayList<>());
            var running = new java.util.concurrent.atomic.AtomicInteger();
            var overlapped = new AtomicBoolean();
            int count = SerialTasks.TURN * 10;
            var done = new CountDownLatch(count);
            for (int i = 0; i < count; i++) {
                int number = i;
                Runnable task = () -> {
                    if (running.incrementAndGet() > 1) {
                        overlapped.set(true);
                    }
                    order.add(number);
                    running.decrementAndGet();
                    done.countDown();
                };
                if (i % 3 == 0) {
                    tasks.executeHere(task);
                } else {
                    tasks.execute(task);
                }
            }
            assertTrue(done.await(10, TimeUnit.SECONDS));
            assertEquals(false, overlapped.get(), "two tasks ran at once");
            for (int i = 0; i < count; i++) {
                assertEquals(i, order.get(i));
            }
        } finally {
            pool.shutdownNow();
        }
    }
}
