package io.redischat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ReliabilityInstance;
import io.redischat.testsupport.ServiceClient;

/** Redis killed during traffic and Redis hung, done for real to the shared instance's Redis. */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class RedisFailureIT {

    final ReliabilityInstance instance = ReliabilityInstance.get();
    final RedisServerProcess redis = instance.redis();
    final ServiceClient service = instance.service();

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
            var shown = new AtomicLong();
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
                shown.set(number(client.nextJson()));
                assertEquals("redis_unavailable", client.nextJson().getString("code"));
                assertTrue(sendMs < 4000, "answered in " + sendMs + " ms");

                started = System.nanoTime();
                assertEquals(503, service.get("api/sessions/" + session + "/messages/").status());
                long fetchMs = millisSince(started);
                assertTrue(fetchMs < 4000, "history answered in " + fetchMs + " ms");
                assertEquals(503, instance.httpStatus("/health/ready"));

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
                    } else {
                        shown.accumulateAndGet(number(frame), Math::max);
                    }
                    return tooManyPending.get() + unstored.get() == 80;
                }, Duration.ofSeconds(30), Duration.ZERO, "an answer to every message of the flood");
                System.out.printf("redis hung: status %d ms, send %d ms, fetch %d ms; flood of 80: %d refused at once"
                        + " (too_many_pending), %d answered unstored%n", statusMs, sendMs, fetchMs,
                        tooManyPending.get(), unstored.get());
                assertEquals(80, tooManyPending.get() + unstored.get(), "every message of the flood answered");
                assertTrue(tooManyPending.get() > 0, "the pending-writes limit bounded the backlog");
            } finally {
                redis.resume();
            }
            client.sendUntilStored("after");
            // the numbers this socket gave its unstored replies are not given again by Redis
            long stored = service.get("api/sessions/" + session + "/messages/").json().getJsonArray("messages")
                    .getValuesAs(JsonObject.class).stream().map(m -> m.getString("content"))
                    .filter(c -> c.startsWith("Message #") && c.contains(": after ")).mapToLong(c -> Long.parseLong(c.substring(9,
                            c.indexOf(':')))).findFirst().orElseThrow();
            assertTrue(stored > shown.get(), "after the outage Redis numbered on from #" + stored
                    + ", the socket had shown up to #" + shown.get());
        }
    }

    /** N of a {@code Message #N: ...} reply frame. */
    private static long number(JsonObject reply) {
        String content = reply.getString("content");
        assertTrue(content.startsWith("Message #"), content);
        return Long.parseLong(content.substring(9, content.indexOf(':')));
    }

    @Test
    @Order(3)
    void membersJoiningWhileRedisDiesGetEveryMessageStoredAfterItIsBack() throws Exception {
        String session = "joiners-" + System.nanoTime();
        try (ChatSocket writer = service.persistentSocket(session)) {
            var streaming = new java.util.concurrent.atomic.AtomicBoolean(true);
            CompletableFuture<Void> stream = CompletableFuture.runAsync(() -> {
                for (int i = 0; streaming.get(); i++) {
                    writer.send("during " + i);
                    Await.pause(30);
                }
            });
            Await.pause(300);
            redis.kill();
            // they join while Redis is gone: their place cannot be read; some send from onopen
            List<CompletableFuture<ChatSocket>> joining = new ArrayList<>();
            // the writer and five joiners: the instance's limit of six sockets per session
            for (int i = 0; i < 5; i++) {
                joining.add(i % 2 == 0
                        ? ChatSocket.connectSendingOnOpen(service.webSocketUri(session, "redis_persistence=true"),
                                "{\"content\":\"hello from joiner " + i + "\",\"clientId\":\"j" + i + "\"}")
                        : CompletableFuture.supplyAsync(() -> ChatSocket.connect(
                                service.webSocketUri(session, "redis_persistence=true"))));
                Await.pause(60);
            }
            List<ChatSocket> joiners = new ArrayList<>();
            for (var join : joining) {
                joiners.add(join.get(15, java.util.concurrent.TimeUnit.SECONDS).awaitConnected());
            }
            redis.launch(); // empty: the session's history starts over
            streaming.set(false);
            stream.join();
            writer.sendUntilStored("back");
            List<String> after = new ArrayList<>();
            for (int i = 0; i < 20; i++) {
                String content = "after " + i;
                JsonObject stored = writer.sendOnce(content);
                assertTrue(stored != null, content + " stored once Redis is back");
                after.add(content);
            }
            for (int j = 0; j < joiners.size(); j++) {
                ChatSocket joiner = joiners.get(j);
                assertTrue(joiner.isOpen(), "joiner " + j + " still connected");
                List<String> received = new ArrayList<>();
                Set<String> places = new HashSet<>();
                Await.until(() -> {
                    String frame;
                    while ((frame = joiner.nextFrame(Duration.ofMillis(50))) != null) {
                        JsonObject json = ChatSocket.json(frame);
                        if ("message".equals(json.getString("type")) && json.getBoolean("persisted")
                                && json.getBoolean("isSent")) {
                            received.add(json.getString("content"));
                        }
                        if ("message".equals(json.getString("type")) && json.getBoolean("persisted")) {
                            assertTrue(places.add(json.getString("epoch") + "/" + json.getInt("seq")),
                                    "delivered once: " + frame);
                        }
                    }
                    return received.containsAll(after);
                }, Duration.ofSeconds(15), Duration.ZERO, "joiner " + j + " gets every message stored after Redis is back");
                int first = received.indexOf(after.get(0));
                assertEquals(after, received.subList(first, first + after.size()), "joiner " + j + ": in order");
                joiner.close();
            }
            System.out.printf("joined while Redis was down: %d sockets, each got the %d messages stored after it came"
                    + " back, once and in order%n", joiners.size(), after.size());
        }
    }

    static long millisSince(long startedNanos) {
        return (System.nanoTime() - startedNanos) / 1_000_000;
    }
}
