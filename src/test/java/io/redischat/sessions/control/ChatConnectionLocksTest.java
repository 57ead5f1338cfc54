package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.lang.reflect.Proxy;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.Session;

import org.junit.jupiter.api.Test;

import io.redischat.sessions.entity.ClientIdentity;

/**
 * Tyrus calls {@code @OnClose} while it holds the socket's writer lock: a ping (or a send) that finds the connection
 * gone ends it there. Seen after a flood of aborted handshakes: a feed thread sending {@code connected} under the
 * connection's monitor waited for the writer lock, while the ping sender, holding that lock, ran the close callback
 * and waited for the monitor. Both stayed stuck, and every later client of the session waited for {@code connected}.
 */
class ChatConnectionLocksTest {

    final Object writerLock = new Object();
    final List<String> sent = new CopyOnWriteArrayList<>();

    @Test
    void aCloseCallbackUnderTheWritersLockDoesNotWaitForAConnectedFrameBeingSent() throws Exception {
        var settings = new ChatLimits();
        settings.maxConnections = 10;
        settings.maxConnectionsPerClient = 10;
        settings.maxConnectionsPerSession = 10;
        var limits = new ConnectionLimits();
        limits.limits = settings;
        var watch = new ConnectionWatch();
        watch.limits = limits;
        watch.settings = settings;
        watch.intake = new MessageIntake();

        CountDownLatch feedInSend = new CountDownLatch(1);
        CountDownLatch pingHoldsWriter = new CountDownLatch(1);
        ChatConnection connection = connection(feedInSend);
        assertNull(limits.admit(connection));
        connection.send("held before connected");

        Thread pingSender = new Thread(() -> {
            synchronized (writerLock) {
                pingHoldsWriter.countDown();
                await(feedInSend);
                // the ping's write found the connection gone: the container runs @OnClose right here
                watch.end(connection);
            }
        }, "ping-sender");
        Thread feed = new Thread(() -> {
            await(pingHoldsWriter);
            connection.sendConnected("connected");
        }, "feed");
        pingSender.setDaemon(true);
        feed.setDaemon(true);
        pingSender.start();
        feed.start();
        pingSender.join(5000);
        feed.join(5000);
        assertTrue(!pingSender.isAlive() && !feed.isAlive(), "the close callback and the feed's send deadlocked");
        assertEquals(List.of("connected", "held before connected"), sent);
        assertEquals(0, limits.openConnections());
    }

    @Test
    void framesSentWhileTheHeldOnesGoOutFollowThemInOrder() {
        CountDownLatch none = new CountDownLatch(0);
        ChatConnection[] made = new ChatConnection[1];
        made[0] = connection(none, text -> {
            if (text.equals("held 1")) {
                // a frame sent while the held frames are going out (here from within the container's send)
                made[0].send("during");
            }
        });
        made[0].send("held 1");
        made[0].send("held 2");
        made[0].sendConnected("connected");
        made[0].send("after");
        assertEquals(List.of("connected", "held 1", "held 2", "during", "after"), sent);
    }

    private ChatConnection connection(CountDownLatch inSend) {
        return connection(inSend, text -> { });
    }

    private ChatConnection connection(CountDownLatch inSend, java.util.function.Consumer<String> whileSending) {
        RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(getClass().getClassLoader(),
                new Class<?>[] {RemoteEndpoint.Async.class}, (proxy, method, args) -> {
                    if (method.getName().equals("sendText")) {
                        inSend.countDown();
                        synchronized (writerLock) {
                            sent.add((String) args[0]);
                        }
                        whileSending.accept((String) args[0]);
                    }
                    return null;
                });
        Session socket = (Session) Proxy.newProxyInstance(getClass().getClassLoader(), new Class<?>[] {Session.class},
                (proxy, method, args) -> switch (method.getName()) {
                    case "isOpen" -> true;
                    case "getId" -> "socket";
                    case "getAsyncRemote" -> remote;
                    default -> null;
                });
        return new ChatConnection(socket, "locks", new ClientIdentity("10.0.0.1", null, null), false, 1 << 20,
                new MemoryBudget(1 << 24, 1 << 24));
    }

    private static void await(CountDownLatch latch) {
        try {
            latch.await(10, TimeUnit.SECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }
}
