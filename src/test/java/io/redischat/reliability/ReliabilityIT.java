package io.redischat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * Faults done for real to a running instance and its Redis: Redis killed during traffic, Redis hung, a client that
 * stops reading, limits, the Origin check, health and metrics, and the application restarted mid-session. This
 * Redis writes an fsync'ed append-only file, so what it acknowledged survives its own restart.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class ReliabilityIT {

    static final Map<String, String> ENVIRONMENT = new HashMap<>();
    static RedisServerProcess redis;
    static PayaraMicroProcess app;
    static ServiceClient service;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always");
        ENVIRONMENT.putAll(Map.of(
                "CHANNEL_REDIS_URL", redis.url(),
                "CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND", "100",
                "CHAT_CONNECTION_SEND_BUFFER_BYTES", "65536",
                "CHAT_CONNECTION_MAX_PENDING_WRITES", "32",
                "CHAT_SESSION_MAX_CONNECTIONS", "6",
                "CHAT_MAX_CONNECTIONS", "14"));
        app = PayaraMicroProcess.start(ENVIRONMENT);
        service = app.client();
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        redis.close();
    }

    @BeforeEach
    void redisRunning() {
        if (!redis.isRunning()) {
            redis.launch();
        }
    }

    @Test
    @Order(1)
    void redisKilledDuringASteadyStreamLosesNoAcknowledgedMessage() throws Exception {
        String run = Long.toString(System.nanoTime());
        List<String> sessions = List.of("stream-a-" + run, "stream-b-" + run);
        List<ChatSocket> clients = new ArrayList<>();
        for (int i = 0; i < 6; i++) {
            clients.add(service.persistentSocket(sessions.get(i % 2)));
        }
        int perClient = 80;
        List<CompletableFuture<Void>> senders = new ArrayList<>();
        for (int c = 0; c < clients.size(); c++) {
            ChatSocket client = clients.get(c);
            String prefix = "c" + c + "-";
            senders.add(CompletableFuture.runAsync(() -> {
                for (int i = 0; i < perClient; i++) {
                    client.send("{\"content\":\"" + prefix + i + "\",\"clientId\":\"" + prefix + i + "\"}");
                    Await.pause(25); // a steady stream, not a burst
                }
            }));
        }
        Await.pause(400); // the stream is flowing when Redis dies
        redis.kill();
        Await.pause(800); // and is down for a while
        redis.launch();
        long answering = System.nanoTime();
        long resumedAfterMs;
        try (ChatSocket probe = service.persistentSocket("probe-" + run)) {
            var probes = new AtomicInteger();
            Await.value(() -> probe.sendOnce("probe " + probes.getAndIncrement()), Duration.ofSeconds(10),
                    Duration.ofMillis(50), "storing to resume after Redis came back");
            resumedAfterMs = (System.nanoTime() - answering) / 1_000_000;
        }
        senders.forEach(CompletableFuture::join);
        Await.pause(1500); // the answers to the last sends arrive; the loop below reads until none come

        Set<String> acknowledged = new HashSet<>();
        Set<String> refused = new HashSet<>();
        for (int c = 0; c < clients.size(); c++) {
            ChatSocket client = clients.get(c);
            assertTrue(client.isOpen(), "client " + c + " still connected");
            String prefix = "c" + c + "-";
            String frame;
            while ((frame = client.nextFrame(Duration.ofMillis(200))) != null) {
                JsonObject json = jakarta.json.Json.createReader(new java.io.StringReader(frame)).readObject();
                String clientId = json.getString("clientId", "");
                if (!clientId.startsWith(prefix)) {
                    continue;
                }
                if ("error".equals(json.getString("type"))) {
                    assertEquals("redis_unavailable", json.getString("code"), frame);
                    refused.add(clientId);
                } else if (json.getBoolean("isSent") && json.getBoolean("persisted")) {
                    acknowledged.add(clientId);
                }
            }
            client.close();
        }
        Set<String> stored = new HashSet<>();
        for (String session : sessions) {
            JsonObject body = service.get("api/sessions/" + session + "/messages/").json();
            body.getJsonArray("messages").stream().map(JsonValue::asJsonObject)
                    .filter(m -> m.getBoolean("isSent")).forEach(m -> stored.add(m.getString("content")));
        }
        Set<String> missing = new HashSet<>(acknowledged);
        missing.removeAll(stored);
        int sent = clients.size() * perClient;
        System.out.printf("redis killed: %d sent, %d acknowledged, %d refused with an error, %d found in Redis,"
                + " %d acknowledged missing; storing resumed %d ms after Redis answered%n", sent,
                acknowledged.size(), refused.size(), stored.size(), missing.size(), resumedAfterMs);
        assertEquals(Set.of(), missing, "acknowledged but not in Redis");
        Set<String> answered = new HashSet<>(acknowledged);
        answered.addAll(refused);
        assertEquals(sent, answered.size(), "every message was acknowledged or refused (a refused one may turn out"
                + " stored when Redis died after writing it, and is then delivered)");
        assertFalse(refused.isEmpty(), "Redis really was down for a while");
        assertTrue(resumedAfterMs >= 0 && resumedAfterMs < 3000, "resumed after " + resumedAfterMs + " ms");
    }

    @Test
    @Order(2)
    void aHungRedisHoldsNoThreadLongerThanTheTimeouts() {
        String session = "hung-" + System.nanoTime();
        try (ChatSocket client = service.persistentSocket(session)) {
            client.send("before");
            client.nextJson(2);
            redis.pause();
            try {
                long started = System.nanoTime();
                JsonObject status = service.get("api/redis/status/").json();
                long statusMs = millisSince(started);
                assertFalse(status.getBoolean("redis_connected"));
                assertTrue(statusMs < 1500, "status answered in " + statusMs + " ms");

                started = System.nanoTime();
                client.send("while hung");
                JsonObject answer = client.nextJson();
                long sendMs = millisSince(started);
                assertFalse(answer.getBoolean("persisted"));
                client.nextJson();
                assertEquals("redis_unavailable", client.nextJson().getString("code"));
                assertTrue(sendMs < 4000, "answered in " + sendMs + " ms");

                started = System.nanoTime();
                assertEquals(503, service.get("api/sessions/" + session + "/messages/").status());
                long fetchMs = millisSince(started);
                assertTrue(fetchMs < 4000, "history answered in " + fetchMs + " ms");
                assertEquals(503, httpStatus("/health/ready"));

                // a flood while hung: bounded by the pending-writes limit, every message answered
                for (int i = 0; i < 80; i++) {
                    client.send("flood " + i);
                }
                var tooManyPending = new AtomicInteger();
                var unstored = new AtomicInteger();
                Await.until(() -> {
                    JsonObject frame = client.nextJson();
                    if ("error".equals(frame.getString("type"))) {
                        if ("too_many_pending".equals(frame.getString("code"))) {
                            tooManyPending.incrementAndGet();
                        }
                    } else if (frame.getBoolean("isSent")) {
                        unstored.incrementAndGet();
                    }
                    return tooManyPending.get() + unstored.get() == 80;
                }, Duration.ofSeconds(30), Duration.ZERO, "an answer to every message of the flood");
                System.out.printf("redis hung: status %d ms, send %d ms, fetch %d ms; flood of 80: %d refused at once"
                        + " (too_many_pending), %d answered unstored%n", statusMs, sendMs, fetchMs, tooManyPending.get(),
                        unstored.get());
                assertEquals(80, tooManyPending.get() + unstored.get(), "every message of the flood answered");
                assertTrue(tooManyPending.get() > 0, "the pending-writes limit bounded the backlog");
            } finally {
                redis.resume();
            }
            awaitPersisted(client, "after");
        }
    }

    @Test
    @Order(3)
    void aClientThatStopsReadingIsDisconnectedAndOthersAreUnaffected() {
        String session = "slow-" + System.nanoTime();
        String big = "x".repeat(60_000);
        try (ChatSocket slow = service.persistentSocket(session);
             ChatSocket fast = service.persistentSocket(session)) {
            slow.stopReading();
            int messages = 400; // about 48 MB of frames: far beyond what socket buffers on both sides can hold
            var sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < messages; i++) {
                    fast.send(i + big);
                    Await.pause(14); // paced so the fast client keeps up; only the slow one falls behind
                }
            });
            List<JsonObject> received = fast.nextJson(2 * messages);
            sending.join();
            assertEquals(2 * messages, received.size());
            for (int i = 0; i < messages; i++) {
                assertTrue(received.get(2 * i).getString("content").startsWith(Integer.toString(i)));
            }
            // the server gave up on it: reading again finds the socket closed
            slow.resumeReading();
            assertNotNull(slow.awaitClose(Duration.ofSeconds(30)));
            String disconnect = "ws disconnect session=" + session + " socket=";
            Await.until(() -> app.log().lines().anyMatch(l -> l.contains(disconnect) && l.contains("code=1013")),
                    Duration.ofSeconds(10), Duration.ofMillis(200), "the server closed the slow client with 1013");
        }
    }

    @Test
    @Order(4)
    void messageRateAndConnectionsPerSessionAreLimited() {
        String session = "limits-" + System.nanoTime();
        try (ChatSocket client = service.socket(session, null)) {
            for (int i = 0; i < 150; i++) {
                client.send("burst " + i);
            }
            int limited = 0;
            int answered = 0;
            String frame;
            while ((frame = client.nextFrame(Duration.ofSeconds(2))) != null) {
                if (frame.contains("\"code\":\"rate_limited\"")) {
                    limited++;
                } else if (frame.contains("\"isSent\":true")) {
                    answered++;
                }
            }
            assertEquals(150, limited + answered);
            assertTrue(limited >= 30, limited + " rate limited");
            assertTrue(client.isOpen());
        }
        List<ChatSocket> sockets = new ArrayList<>();
        try {
            for (int i = 0; i < 6; i++) {
                sockets.add(service.socket(session, null));
            }
            try (ChatSocket seventh = service.socket(session, null)) {
                ChatSocket.Closed closed = seventh.awaitClose(Duration.ofSeconds(10));
                assertEquals(1013, closed.code());
                assertTrue(closed.reason().contains("too many connections to this session"), closed.reason());
            }
            // the instance limit (14) counts every socket; closed ones were given back
            ChatSocket.Closed refused = null;
            for (int i = 0; i < 20 && refused == null; i++) {
                ChatSocket socket = service.socket(session + "-" + i, null);
                if (socket.connectedFrame() == null) {
                    refused = socket.awaitClose(Duration.ofSeconds(10));
                }
                sockets.add(socket);
            }
            assertNotNull(refused, "the instance limit refused a socket");
            assertEquals(1013, refused.code());
            assertTrue(refused.reason().contains("too many connections on this instance"), refused.reason());
            assertTrue(sockets.size() <= 15, sockets.size() + " sockets before the refusal");
        } finally {
            sockets.forEach(ChatSocket::close);
        }
    }

    @Test
    @Order(5)
    void crossSiteWebSocketsAreRefusedAndPagesCarryAStrictPolicy() throws Exception {
        URI ws = URI.create("ws://localhost:" + app.port() + "/chat/ws/origin-" + System.nanoTime());
        assertThrows(RuntimeException.class, () -> ChatSocket.connect(ws, Map.of("Origin", "http://evil.example")));
        try (ChatSocket sameOrigin = ChatSocket.connect(ws, Map.of("Origin", "http://localhost:" + app.port()))) {
            assertNotNull(sameOrigin.awaitConnected().connectedFrame());
        }
        HttpResponse<String> page = HTTP.send(HttpRequest.newBuilder(app.root()).build(),
                HttpResponse.BodyHandlers.ofString());
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    @Order(6)
    void healthFollowsRedisAndMetricsCountWhatHappened() throws Exception {
        assertEquals(200, httpStatus("/health/ready"));
        assertEquals(200, httpStatus("/health/live"));
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port()
                + "/metrics?scope=application")).build(), HttpResponse.BodyHandlers.ofString()).body();
        for (String expected : List.of("chat_messages_received_total", "chat_messages_persisted_total",
                "chat_messages_failed_total", "chat_connections_open", "chat_pubsub_reconnects",
                "chat_redis_errors_total{kind=\"connection\"", "chat_rejected_inputs_total{",
                "reason=\"rate_limited\"", "chat_redis_command_microseconds_bucket{command=\"append\"",
                "chat_history_fetch_microseconds_count")) {
            assertTrue(metrics.contains(expected), expected + " in\n" + metrics);
        }
        redis.kill();
        awaitStatus("/health/ready", 503);
        redis.launch();
        awaitStatus("/health/ready", 200);
        assertEquals(200, httpStatus("/health/live"), "Redis being away never made the instance dead");
    }

    @Test
    @Order(7)
    void anApplicationRestartedMidSessionKeepsTheHistoryAndClientsResume() {
        String session = "restart-" + System.nanoTime();
        String epoch;
        long since;
        try (ChatSocket client = service.persistentSocket(session)) {
            awaitPersisted(client, "ready");
            for (int i = 0; i < 3; i++) {
                client.send("before restart " + i);
            }
            List<JsonObject> frames = client.nextJson(6);
            frames.forEach(frame -> assertTrue(frame.getBoolean("persisted"), frame.toString()));
            epoch = frames.get(5).getString("epoch");
            since = frames.get(5).getJsonNumber("seq").longValue();
            app.stop();
            assertTrue(client.awaitClose(Duration.ofSeconds(30)) != null);
        }
        app = PayaraMicroProcess.start(ENVIRONMENT);
        service = app.client();
        try (ChatSocket resumed = service.socket(session, "redis_persistence=true&since=" + since + "&epoch=" + epoch)) {
            assertTrue(resumed.connectedFrame().getBoolean("recovered"));
            assertEquals(0, resumed.connectedFrame().getInt("replayed"));
            resumed.send("after restart");
            assertTrue(resumed.nextJson(2).get(1).getString("content").endsWith(": after restart"));
        }
        assertEquals(since + 2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    /** Sends until a message is stored, skipping frames left from earlier sends. */
    static void awaitPersisted(ChatSocket client, String content) {
        while (client.nextFrame(Duration.ofMillis(500)) != null) {
            // drain what earlier sends left
        }
        var tries = new AtomicInteger();
        Await.until(() -> {
            String tagged = content + " " + tries.getAndIncrement();
            client.send(tagged);
            JsonObject answer;
            do {
                answer = client.nextJson();
            } while (!tagged.equals(answer.getString("content", "")));
            return answer.getBoolean("persisted");
        }, Duration.ofSeconds(15), Duration.ofMillis(100), "storing to resume");
        client.nextJson(); // its reply
    }

    static void awaitStatus(String path, int status) {
        Await.until(() -> httpStatus(path) == status, Duration.ofSeconds(15), Duration.ofMillis(200),
                path + " answering " + status);
    }

    static int httpStatus(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
