package io.redischat.scaleout;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URL;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.LongStream;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.Deployments;
import io.redischat.testsupport.NginxProcess;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.SharedRedis;

/**
 * Two instances on one Redis (the Arquillian deployment "green" and a second Payara Micro "blue"): fan-out through
 * Redis pub/sub, lossless resume on reconnect, idempotent retries across instances, resubscription after a Redis
 * restart, and nginx in front of both with one instance stopped.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ScaleOutIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.chatWar();
    }

    @ArquillianResource
    URL greenUrl;

    static PayaraMicroProcess blue;
    RedisServerProcess redis;
    ServiceClient green;
    String session;

    @BeforeAll
    static void startBlue() {
        blue = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", SharedRedis.get().url()));
    }

    @AfterAll
    static void stopBlue() {
        if (blue != null) {
            blue.close();
        }
    }

    @BeforeEach
    void clients(TestInfo test) {
        redis = SharedRedis.get();
        green = ServiceClient.at(greenUrl);
        session = test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    }

    @Test
    void clientsOnTwoInstancesReceiveEveryMessageOnceInTheSameOrder() {
        try (ChatSocket onGreen = green.persistentSocket(session);
             ChatSocket onBlue = blue.client().persistentSocket(session)) {
            assertNotEquals(onGreen.connectedFrame().getString("instance"),
                    onBlue.connectedFrame().getString("instance"));
            var greenSends = CompletableFuture.runAsync(() -> sendAll(onGreen, "green", 15));
            var blueSends = CompletableFuture.runAsync(() -> sendAll(onBlue, "blue", 15));
            greenSends.join();
            blueSends.join();

            List<JsonObject> seenOnGreen = onGreen.nextJson(60);
            List<JsonObject> seenOnBlue = onBlue.nextJson(60);
            List<Long> expected = LongStream.rangeClosed(1, 60).boxed().toList();
            assertEquals(expected, seqs(seenOnGreen));
            assertEquals(expected, seqs(seenOnBlue));
            assertEquals(contents(seenOnGreen), contents(seenOnBlue));
            assertFalse(onGreen.nextFrame(Duration.ofMillis(300)) != null, "nothing delivered twice");
            assertFalse(onBlue.nextFrame(Duration.ofMillis(100)) != null, "nothing delivered twice");
        }
        assertEquals(60, blue.client().get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    @Test
    void reconnectWithSinceReplaysWhatWasMissedWhileOthersKeepSending() {
        int total = 80;
        List<Long> seen = new ArrayList<>();
        try (ChatSocket sender = blue.client().persistentSocket(session)) {
            ChatSocket reader = green.persistentSocket(session);
            var sending = CompletableFuture.runAsync(() -> {
                for (int i = 0; i < total; i++) {
                    sender.send("m" + i);
                    Await.pause(5); // a steady stream, not a burst
                }
            });
            JsonObject frame;
            do {
                frame = reader.nextJson();
                seen.add(frame.getJsonNumber("seq").longValue());
            } while (seen.size() < 20);
            String epoch = frame.getString("epoch");
            reader.close();
            long since = seen.get(seen.size() - 1);
            Await.pause(150); // messages keep coming while the reader is away
            // back on the other instance, mid-stream
            try (ChatSocket resumed = blue.client().socket(session,
                    "redis_persistence=true&since=" + since + "&epoch=" + epoch)) {
                JsonObject connected = resumed.connectedFrame();
                assertTrue(connected.getBoolean("recovered"), connected.toString());
                sending.join();
                while (seen.size() < 2 * total) {
                    String next = resumed.nextFrame(Duration.ofSeconds(10));
                    assertNotNull(next, "missing frames after " + seen + "; connected " + connected);
                    seen.add(Long.parseLong(next.replaceAll(".*\"seq\":(\\d+).*", "$1")));
                }
                assertEquals(LongStream.rangeClosed(1, 2L * total).boxed().toList(), seen, "no gap, no duplicate");
                assertTrue(resumed.nextFrame(Duration.ofMillis(300)) == null, "nothing after the last message");
            }
        }
    }

    @Test
    void resumeThatCannotBeCompleteSaysRecoveredFalse() {
        String epoch;
        try (ChatSocket socket = green.persistentSocket(session)) {
            socket.send("one");
            epoch = socket.nextJson(2).get(1).getString("epoch");
        }
        try (ChatSocket otherEpoch = green.socket(session, "redis_persistence=true&since=2&epoch=deadbeef")) {
            assertFalse(otherEpoch.connectedFrame().getBoolean("recovered"));
            assertEquals(epoch, otherEpoch.connectedFrame().getString("epoch"), "the current epoch, to refetch");
        }
        try (ChatSocket ahead = green.socket(session, "redis_persistence=true&since=99&epoch=" + epoch)) {
            assertFalse(ahead.connectedFrame().getBoolean("recovered"));
        }
        try (ChatSocket upToDate = green.socket(session, "redis_persistence=true&since=2&epoch=" + epoch)) {
            assertTrue(upToDate.connectedFrame().getBoolean("recovered"));
            assertEquals(0, upToDate.connectedFrame().getInt("replayed"));
        }
        try (ChatSocket bad = green.socket(session, "redis_persistence=true&since=-4")) {
            assertEquals(1008, bad.awaitClose(Duration.ofSeconds(10)).code());
        }
    }

    @Test
    void aRetriedClientIdIsStoredOnceWhicheverInstanceGetsIt() {
        // the same client: it proves it with its author secret on every socket
        String query = "redis_persistence=true&author_secret=scale-out-retry-0123456789";
        List<JsonObject> first;
        try (ChatSocket socket = green.socket(session, query)) {
            socket.send("{\"content\":\"once\",\"clientId\":\"retry-1\"}");
            first = socket.nextJson(2);
        }
        try (ChatSocket socket = blue.client().socket(session, query)) {
            socket.send("{\"content\":\"once\",\"clientId\":\"retry-1\"}");
            List<JsonObject> retry = socket.nextJson(2);
            assertEquals(seqs(first), seqs(retry));
            assertTrue(retry.get(0).getBoolean("duplicate"));
        }
        assertEquals(2, green.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    @Test
    void afterARedisRestartBothInstancesResubscribeAndTellTheirClients() throws Exception {
        try (ChatSocket onGreen = green.persistentSocket(session);
             ChatSocket onBlue = blue.client().persistentSocket(session)) {
            onGreen.send("before");
            onGreen.nextJson(2);
            onBlue.nextJson(2);

            redis.restart();
            for (ChatSocket socket : List.of(onGreen, onBlue)) {
                JsonObject interrupted = socket.nextSync(Duration.ofSeconds(10));
                assertNotNull(interrupted, "clients learn the live feed was interrupted");
                assertEquals("interrupted", interrupted.getString("state"));
                JsonObject after = socket.nextSync(Duration.ofSeconds(10));
                assertNotNull(after, "and what happened after");
                assertEquals("reset", after.getString("state"), "Redis came back empty");
                assertFalse(after.getBoolean("recovered"));
            }
            JsonObject stored = Await.value(() -> onGreen.sendOnce("after"), Duration.ofSeconds(10),
                    Duration.ofMillis(200), "storing resumed");
            List<JsonObject> onBlueAfter = onBlue.nextJson(2);
            assertEquals("after", onBlueAfter.get(0).getString("content"), "fan-out resumed on the other instance");
            assertEquals(stored.getJsonNumber("seq").longValue(), onBlueAfter.get(0).getJsonNumber("seq").longValue());
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
    }

    @Test
    void throughNginxAClientSurvivesItsInstanceBeingStopped() {
        try (PayaraMicroProcess red = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url()));
             NginxProcess nginx = NginxProcess.start(List.of("127.0.0.1:" + greenUrl.getPort(),
                     "127.0.0.1:" + red.port()))) {
            var proxied = ServiceClient.at(URI.create("http://127.0.0.1:" + nginx.port() + "/chat/"));
            assertTrue(proxied.get("api/redis/status/").json().getBoolean("redis_connected"));
            assertEquals("never_persisted",
                    proxied.get("api/sessions/test-session-123/messages/").json().getString("empty_reason"));

            String redInstance = red.client().get("api/redis/status/").status() == 200
                    ? red.client().persistentSocket(session + "-probe").connectedFrame().getString("instance") : null;
            ChatSocket onRed = null;
            List<ChatSocket> others = new ArrayList<>();
            for (int i = 0; i < 12 && onRed == null; i++) {
                ChatSocket socket = proxied.persistentSocket(session);
                if (socket.connectedFrame().getString("instance").equals(redInstance)) {
                    onRed = socket;
                } else {
                    others.add(socket);
                }
            }
            assertNotNull(onRed, "nginx spread sockets over both instances");
            others.forEach(ChatSocket::close);

            onRed.send("before the stop");
            List<JsonObject> before = onRed.nextJson(2);
            String epoch = before.get(1).getString("epoch");
            long since = before.get(1).getJsonNumber("seq").longValue();

            red.stop();
            onRed.awaitClose(Duration.ofSeconds(30));
            try (ChatSocket writer = green.persistentSocket(session)) {
                writer.send("while it was away");
                writer.nextJson(2);
            }
            try (ChatSocket resumed = proxied.socket(session,
                    "redis_persistence=true&since=" + since + "&epoch=" + epoch)) {
                assertTrue(resumed.connectedFrame().getBoolean("recovered"));
                assertNotEquals(redInstance, resumed.connectedFrame().getString("instance"));
                List<JsonObject> missed = resumed.nextJson(2);
                assertEquals("while it was away", missed.get(0).getString("content"));
                resumed.send("after the stop");
                assertEquals("after the stop", resumed.nextJson(2).get(0).getString("content"));
            }
            onRed.close();
        }
    }

    static void sendAll(ChatSocket socket, String prefix, int count) {
        for (int i = 0; i < count; i++) {
            socket.send(prefix + "-" + i);
        }
    }

    static List<Long> seqs(List<JsonObject> frames) {
        return frames.stream().map(f -> f.getJsonNumber("seq").longValue()).toList();
    }

    static List<String> contents(List<JsonObject> frames) {
        return frames.stream().map(f -> f.getString("content")).toList();
    }
}
