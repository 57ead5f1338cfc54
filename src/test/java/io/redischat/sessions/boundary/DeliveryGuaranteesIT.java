package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.Deployments;
import io.redischat.testsupport.RawWebSocket;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.SharedRedis;

/**
 * The core promise, "each message is answered", under the timing real clients produce: many sockets opening at
 * the same moment and sending from their {@code onopen} before any frame of the server, and the first message after
 * a Redis outage.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class DeliveryGuaranteesIT {

    static final int SESSIONS = 50;
    static final int SOCKETS_PER_SESSION = 2;
    static final int ROUNDS = 3;

    @Deployment(testable = false)
    static WebArchive deployment() {
        // a long fail-fast window, so that "status says connected while writes are still refused" cannot hide
        return Deployments.chatWarWith(java.util.Map.of("chat.redis.fail-fast-ms", "5000"));
    }

    @ArquillianResource
    URL deploymentUrl;

    ServiceClient service;
    RedisServerProcess redis;

    @BeforeEach
    void connect() {
        redis = SharedRedis.get();
        service = ServiceClient.at(deploymentUrl);
    }

    @Test
    void everySocketOpenedInABurstGetsItsAnswerAndEveryMessageStoredAfterItsHandshake() {
        for (int round = 1; round <= ROUNDS; round++) {
            String prefix = "burst" + round + "-" + System.nanoTime() + "-";
            var opening = new ArrayList<CompletableFuture<ChatSocket>>();
            var clientIds = new ArrayList<String>();
            for (int s = 0; s < SESSIONS; s++) {
                for (int c = 0; c < SOCKETS_PER_SESSION; c++) {
                    String clientId = "r" + round + "s" + s + "c" + c;
                    clientIds.add(clientId);
                    opening.add(ChatSocket.connectSendingOnOpen(
                            service.webSocketUri(prefix + s, "redis_persistence=true"),
                            "{\"content\":\"hello from " + clientId + "\",\"clientId\":\"" + clientId + "\"}"));
                }
            }
            List<ChatSocket> sockets = opening.stream().map(CompletableFuture::join).toList();
            long expectedLastSeq = 2L * SOCKETS_PER_SESSION;
            var failures = new ArrayList<String>();
            try {
                for (int i = 0; i < sockets.size(); i++) {
                    String problem = checkDelivery(sockets.get(i).awaitConnected(), clientIds.get(i), expectedLastSeq);
                    if (problem != null) {
                        failures.add(clientIds.get(i) + ": " + problem);
                    }
                }
            } finally {
                sockets.forEach(ChatSocket::close);
            }
            System.out.println("round " + round + ": " + sockets.size() + " sockets, " + failures.size()
                    + " not answered completely");
            assertTrue(failures.isEmpty(), "round " + round + ": " + failures.size() + " of " + sockets.size()
                    + " sockets missed frames, e.g. " + failures.subList(0, Math.min(5, failures.size())));
            for (int s = 0; s < SESSIONS; s++) {
                assertEquals(expectedLastSeq, service.get("api/sessions/" + prefix + s + "/messages/").json()
                        .getJsonNumber("last_seq").longValue());
            }
        }
    }

    @Test
    void membersJoiningMidTrafficGetEveryMessageStoredAfterTheirHandshakeOnceInOrder() throws Exception {
        String session = "mid-traffic-" + System.nanoTime();
        var uri = service.webSocketUri(session, "redis_persistence=true");
        ChatSocket writer = ChatSocket.connectSendingOnOpen(uri, "{\"content\":\"first\",\"clientId\":\"w0\"}")
                .join().awaitConnected();
        var joiners = new ArrayList<ChatSocket>();
        var joinerIds = new ArrayList<String>();
        try {
            var writing = CompletableFuture.runAsync(() -> {
                for (int i = 1; i <= 150; i++) {
                    writer.send("{\"content\":\"traffic " + i + "\",\"clientId\":\"w" + i + "\"}");
                    Await.pause(5);
                }
            });
            for (int j = 0; j < 10; j++) {
                Await.pause(60);
                String clientId = "j" + j;
                joinerIds.add(clientId);
                joiners.add(ChatSocket.connectSendingOnOpen(uri,
                        "{\"content\":\"joined " + j + "\",\"clientId\":\"" + clientId + "\"}").join()
                        .awaitConnected());
            }
            writing.join();
            long lastSeq = 2L * (151 + joiners.size());
            Await.until(() -> service.get("api/sessions/" + session + "/messages/?limit=1").json()
                    .getJsonNumber("last_seq").longValue() == lastSeq, Duration.ofSeconds(20), "every message stored");
            assertEquals(null, checkDelivery(writer, "w0", lastSeq), "the writer");
            for (int j = 0; j < joiners.size(); j++) {
                assertEquals(null, checkDelivery(joiners.get(j), joinerIds.get(j), lastSeq), "joiner " + j);
                assertTrue(joiners.get(j).connectedFrame().getJsonNumber("lastSeq").longValue() > 0,
                        "joiner " + j + " joined mid-traffic");
            }
        } finally {
            writer.close();
            joiners.forEach(ChatSocket::close);
        }
    }

    /** About 12 MiB of messages and replies: three times the store's read budget, twelve send buffers. */
    static final int BIG_EXCHANGES = 105;
    /**
     * About 15.5 MiB, nearly all a session keeps in the tests (chat.history.max-bytes): more than the socket buffers
     * of both ends take (here about 12 MB), so that a client that reads nothing leaves the server frames to hold.
     */
    static final int STUCK_EXCHANGES = 135;
    static final String BIG = "r".repeat(60_000);

    @Test
    void aResumeAfterTwelveMebibytesMissedGetsEveryMessageOnceInOrderThenLiveOnesWhileOtherSessionsStayQuick()
            throws Exception {
        String session = "big-resume-" + System.nanoTime();
        try (ChatSocket writer = service.persistentSocket(session);
             ChatSocket probe = service.persistentSocket("latency-probe-" + System.nanoTime())) {
            String epoch = writer.sendOnce("seen before the drop").getString("epoch");
            long since = 2;
            long missedBytes = fillWithBigMessages(writer, BIG_EXCHANGES);
            long lastSeq = since + 2L * BIG_EXCHANGES;
            List<Long> quiet = roundTrips(probe, 30);

            var replaying = new java.util.concurrent.atomic.AtomicBoolean(true);
            var during = new java.util.concurrent.ConcurrentLinkedQueue<Long>();
            var probing = CompletableFuture.runAsync(() -> {
                while (replaying.get()) {
                    during.addAll(roundTrips(probe, 1));
                    Await.pause(10);
                }
            });
            long started = System.nanoTime();
            try (ChatSocket back = ChatSocket.connect(service.webSocketUri(session,
                    "redis_persistence=true&since=" + since + "&epoch=" + epoch)).awaitConnected()) {
                JsonObject connected = back.connectedFrame();
                assertTrue(connected.getBoolean("recovered"), connected.toString());
                assertEquals(lastSeq, connected.getJsonNumber("lastSeq").longValue());
                assertEquals(lastSeq - since, connected.getInt("replayed"), "replayed: every seq after since");
                var live = CompletableFuture.runAsync(() -> {
                    for (int i = 0; i < 20; i++) {
                        writer.send("live " + i);
                        Await.pause(25);
                    }
                });
                long expected = since + 1;
                long replayedNanos = 0;
                long replayedBytes = 0;
                while (expected <= lastSeq + 40) {
                    JsonObject message = back.nextJson();
                    assertEquals("message", message.getString("type"), message.toString());
                    assertEquals(expected, message.getJsonNumber("seq").longValue(), "once each, in seq order");
                    if (expected <= lastSeq) {
                        replayedBytes += message.getString("content").length();
                    }
                    if (expected == lastSeq) {
                        replayedNanos = System.nanoTime() - started;
                    }
                    expected++;
                }
                live.join();
                replaying.set(false);
                probing.join();
                assertNull(back.nextFrame(Duration.ofMillis(300)), "nothing after the last live message");
                assertNull(back.nextSync(Duration.ZERO), "no gap, no reset");
                assertEquals(missedBytes, replayedBytes);
                System.out.printf("big resume: %d messages, %.1f MiB replayed in %d ms (%.1f MiB/s), then 40 live;"
                                + " another session's round trip quiet %s, during the replay %s (%d probes)%n",
                        lastSeq - since, replayedBytes / 1048576.0, replayedNanos / 1_000_000,
                        replayedBytes / 1048576.0 / (replayedNanos / 1e9), summary(quiet),
                        summary(new ArrayList<>(during)), during.size());
            } finally {
                replaying.set(false);
            }
        }
    }

    @Test
    void aClientThatStopsReadingDuringABigReplayIsClosedAndHoldsNoMoreThanItsSendBuffer() throws IOException {
        String session = "stuck-resume-" + System.nanoTime();
        try (ChatSocket writer = service.persistentSocket(session)) {
            String epoch = writer.sendOnce("first").getString("epoch");
            fillWithBigMessages(writer, STUCK_EXCHANGES);
            long lastSeq = 2 + 2L * STUCK_EXCHANGES;
            URI uri = service.webSocketUri(session, "redis_persistence=true&since=0&epoch=" + epoch);
            // a raw client reads only when told to: a client library would go on reading into its own buffers
            try (var stuck = new RawWebSocket(uri.getPort(), uri.getRawPath() + "?" + uri.getRawQuery(), 65_536)) {
                readUntilClosed(stuck, lastSeq);
            }
            writer.send("still served");
            assertEquals("still served", writer.nextJson().getString("content"));
        }
    }

    /**
     * The kernel's socket buffers take some of the replay; then the server holds at most half the send buffer for
     * the client, and closes it once it took nothing for the send timeout (5 s): its slot is free while it still
     * reads nothing. Reading again finds what was sent before the close, in order, and then the end of the
     * connection: a close frame (1013) or, where the container drops what the client did not take, the end of the
     * stream. A connection the server leaves open fails the test.
     */
    private void readUntilClosed(RawWebSocket stuck, long lastSeq) throws IOException {
        long started = System.nanoTime();
        RawWebSocket.Message connected = stuck.nextMessage(Duration.ofSeconds(10));
        assertTrue(ChatSocket.json(connected.text()).getBoolean("recovered"), connected.text());
        long openWithIt = applicationMetric("chat_connections_open");
        long most = 0;
        boolean closed = false;
        for (int i = 0; i < 60 && !closed; i++) {
            Await.pause(500);
            most = Math.max(most, applicationMetric("chat_memory_send_bytes"));
            closed = applicationMetric("chat_connections_open") < openWithIt;
        }
        long closedAfter = (System.nanoTime() - started) / 1_000_000;
        assertTrue(closed, "the server closed the client that reads nothing");
        assertTrue(most <= 1024 * 1024, "waiting for the stuck client at most: " + most + " bytes");
        long received = 0;
        RawWebSocket.Message message;
        try {
            while ((message = stuck.nextMessage(Duration.ofSeconds(10))) != null && !message.isClose()) {
                JsonObject frame = ChatSocket.json(message.text());
                if (!"sync".equals(frame.getString("type"))) {
                    assertEquals(++received, frame.getJsonNumber("seq").longValue(), "in order");
                }
            }
        } catch (SocketTimeoutException stillOpen) {
            throw new AssertionError("the server closed the client but left its connection open; " + received
                    + " messages read", stillOpen);
        }
        System.out.printf("stuck client: closed by the server after %d ms, %d of %d messages sent to it, then %s;"
                + " the instance held at most %d bytes of frames waiting%n", closedAfter, received, lastSeq,
                message == null ? "the end of the stream" : "close " + message.closeCode(), most);
        assertTrue(received < lastSeq, "closed before the end of the replay: " + received);
        if (message != null) {
            assertEquals(1013, message.closeCode());
        }
    }

    /** Stores messages of 60 kB, each with its reply; returns the characters stored. */
    private static long fillWithBigMessages(ChatSocket writer, int exchanges) {
        long chars = 0;
        for (int i = 0; i < exchanges; i++) {
            writer.send(i + BIG);
            List<JsonObject> exchange = writer.nextJson(2);
            assertTrue(exchange.get(1).getBoolean("persisted"));
            chars += exchange.get(0).getString("content").length() + exchange.get(1).getString("content").length();
        }
        return chars;
    }

    /** Milliseconds from sending a message to its reply, {@code n} times. */
    private static List<Long> roundTrips(ChatSocket socket, int n) {
        var millis = new ArrayList<Long>();
        for (int i = 0; i < n; i++) {
            long sent = System.nanoTime();
            socket.send("ping " + i);
            socket.nextJson(2);
            millis.add((System.nanoTime() - sent) / 1_000_000);
        }
        return millis;
    }

    private static String summary(List<Long> millis) {
        List<Long> sorted = millis.stream().sorted().toList();
        if (sorted.isEmpty()) {
            return "(none)";
        }
        return "median " + sorted.get(sorted.size() / 2) + " ms, p95 " + sorted.get((int) (sorted.size() * 0.95))
                + " ms, max " + sorted.get(sorted.size() - 1) + " ms";
    }

    /** A gauge of the application's metrics (all sockets of the instance). */
    private long applicationMetric(String name) {
        String metrics = service.get("../metrics?scope=application").body();
        return metrics.lines().filter(line -> line.startsWith(name + "{") || line.startsWith(name + " "))
                .mapToLong(line -> (long) Double.parseDouble(line.substring(line.lastIndexOf(' ') + 1)))
                .findFirst().orElseThrow(() -> new AssertionError(name + " not in\n" + metrics));
    }

    /**
     * Reads the socket's frames until the session's last seq: they must be every seq after the one its
     * {@code connected} frame reported, once each, in order, with its own message and the reply among them.
     */
    private static String checkDelivery(ChatSocket socket, String clientId, long lastSeq) {
        JsonObject connected = socket.connectedFrame();
        if (connected == null) {
            return "closed before connected";
        }
        long from = connected.getJsonNumber("lastSeq").longValue();
        long expected = from + 1;
        boolean ownSent = false;
        boolean ownReply = false;
        while (expected <= lastSeq) {
            String frame = socket.nextFrame(Duration.ofSeconds(10));
            if (frame == null) {
                return "connected at lastSeq " + from + ", then nothing after seq " + (expected - 1)
                        + (ownSent ? "" : "; own message missing") + (ownReply ? "" : "; reply missing");
            }
            JsonObject message = ChatSocket.json(frame);
            if (!"message".equals(message.getString("type"))) {
                return "unexpected frame " + frame;
            }
            long seq = message.getJsonNumber("seq").longValue();
            if (seq != expected) {
                return "expected seq " + expected + " but got " + seq + " (connected at " + from + ")";
            }
            if (clientId.equals(message.getString("clientId", null))) {
                ownSent |= message.getBoolean("isSent");
                ownReply |= !message.getBoolean("isSent");
            }
            expected++;
        }
        if (!ownSent || !ownReply) {
            return "own message or reply not among seqs " + (from + 1) + ".." + lastSeq + " (connected at " + from
                    + ")";
        }
        String extra = socket.nextFrame(Duration.ofMillis(50));
        return extra == null ? null : "a frame after the last seq: " + extra;
    }

    @Test
    void theFirstMessageAfterStatusReportsRedisConnectedIsStored() throws Exception {
        String session = "after-outage-" + System.nanoTime();
        try (ChatSocket busy = service.persistentSocket(session)) {
            busy.send("before the outage");
            assertTrue(busy.nextJson(2).get(0).getBoolean("persisted"));

            redis.kill();
            // another client keeps writing through the outage, as a busy session does
            var writing = new java.util.concurrent.atomic.AtomicBoolean(true);
            Thread writer = new Thread(() -> {
                while (writing.get()) {
                    busy.send("during the outage");
                    Await.pause(100);
                }
            });
            writer.start();
            Await.pause(1500);
            redis.launch();
            Await.until(() -> service.get("api/redis/status/").json().getBoolean("redis_connected"),
                    Duration.ofSeconds(20), "status reports Redis connected");
            try (ChatSocket after = service.persistentSocket(session + "-new")) {
                writing.set(false);
                writer.join();
                after.send("first after the outage");
                JsonObject answer = after.nextJson();
                assertEquals("first after the outage", answer.getString("content"));
                assertTrue(answer.getBoolean("persisted"), "stored as soon as status says connected: " + answer
                        + " " + after.nextFrame(Duration.ofSeconds(2)) + " " + after.nextFrame(Duration.ofSeconds(2)));
            } finally {
                writing.set(false);
                writer.join();
            }
            assertEquals(2, service.get("api/sessions/" + session + "-new/messages/").json().getInt("count"));
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
    }
}
