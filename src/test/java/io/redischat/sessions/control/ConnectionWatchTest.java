package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.redischat.sessions.entity.ClientIdentity;

/**
 * The watch releases every connection it gives up on, even when the container blocks on that socket: a close or a
 * ping that never returns (seen in CI: a close of an aborted handshake's socket held the watch's only thread, and
 * every slot it had not released yet stayed taken) must not stop the watch.
 */
class ConnectionWatchTest {

    static final long PING_MS = 20;
    static final long PONG_TIMEOUT_MS = 20;

    final CountDownLatch containerReleased = new CountDownLatch(1);
    final AtomicInteger closeCalls = new AtomicInteger();
    final AtomicInteger pingCalls = new AtomicInteger();
    final AtomicInteger alivePings = new AtomicInteger();
    ConnectionLimits limits;
    ConnectionWatch watch;

    @BeforeEach
    void watchWithoutItsTimer() {
        var settings = new ChatLimits();
        settings.maxConnections = 100;
        settings.maxConnectionsPerClient = 100;
        settings.maxConnectionsPerSession = 100;
        settings.pingIntervalMs = PING_MS;
        settings.pongTimeoutMs = PONG_TIMEOUT_MS;
        limits = new ConnectionLimits();
        limits.limits = settings;
        watch = new ConnectionWatch();
        watch.limits = limits;
        watch.settings = settings;
        watch.intake = new MessageIntake();
        watch.start();
    }

    @AfterEach
    void stop() {
        containerReleased.countDown();
        watch.stop();
    }

    @Test
    void silentSocketsWhoseCloseBlocksAreReleasedAndTheRoundGoesOn() throws Exception {
        for (int i = 0; i < 5; i++) {
            assertNull(limits.admit(connection("s" + i, true, false, false)));
        }
        watch.round();
        awaitCount(pingCalls, 5);
        Thread.sleep(PONG_TIMEOUT_MS + 20);
        assertTimeoutPreemptively(Duration.ofSeconds(2), () -> watch.round(), "a blocked close held the round");
        assertEquals(0, limits.openConnections(), "every silent socket's slots are free");
        awaitCount(closeCalls, 5);
    }

    @Test
    void aPingTheContainerHoldsEndsThatSocketOnlyAndTheOthersArePingedByANewPass() throws Exception {
        ChatConnection stuck = connection("stuck", false, true, false);
        ChatConnection alive = connection("alive", false, false, true);
        assertNull(limits.admit(stuck));
        assertNull(limits.admit(alive));
        for (int i = 0; i < 15; i++) {
            assertTimeoutPreemptively(Duration.ofSeconds(2), () -> watch.round(), "a blocked ping held the round");
            Thread.sleep(PING_MS);
        }
        assertTrue(limits.open().contains(alive), "a socket that answers its pings stays, whatever another one does");
        assertTrue(!limits.open().contains(stuck), "the socket whose ping the container holds is released");
        assertTrue(alivePings.get() >= 3, "the answering socket kept being pinged: " + alivePings.get());
    }

    @Test
    void aSocketThatDoesNotAnswerItsPingIsReleasedAfterThePongTimeout() throws Exception {
        assertNull(limits.admit(connection("silent", false, false, false)));
        watch.round();
        awaitCount(pingCalls, 1);
        Thread.sleep(PONG_TIMEOUT_MS + 20);
        watch.round();
        assertEquals(0, limits.openConnections());
    }

    private void awaitCount(AtomicInteger count, int expected) throws InterruptedException {
        long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(2);
        while (count.get() < expected && System.nanoTime() < deadline) {
            Thread.sleep(5);
        }
        assertTrue(count.get() >= expected, count.get() + " of " + expected);
    }

    /**
     * A connection on a socket whose close and/or ping block until the test ends; with {@code answers}, each ping that
     * returns is answered with a pong (the client is alive).
     */
    private ChatConnection connection(String session, boolean closeBlocks, boolean pingBlocks, boolean answers) {
        ChatConnection[] made = new ChatConnection[1];
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendPing")) {
                        pingCalls.incrementAndGet();
                        if (pingBlocks) {
                            containerReleased.await();
                        } else if (answers) {
                            if (session.equals("alive")) {
                                alivePings.incrementAndGet();
                            }
                            made[0].heard();
                        }
                    }
                    return null;
                });
        Session socket = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> true;
                    case "getId" -> session;
                    case "getAsyncRemote" -> remote;
                    case "close" -> {
                        closeCalls.incrementAndGet();
                        if (closeBlocks) {
                            containerReleased.await();
                        }
                        yield null;
                    }
                    default -> null;
                });
        made[0] = new ChatConnection(socket, session, new ClientIdentity("10.0.0.1", null, null), false, 65536,
                new MemoryBudget(1 << 20, 1 << 20));
        return made[0];
    }
}
