package io.redischat.redis.ha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

import org.junit.jupiter.api.Test;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisClusterSetup;
import io.redischat.testsupport.RedisSentinelSetup;
import io.redischat.testsupport.ServiceClient;

/**
 * The service on Redis' high-availability modes, each with real processes: a Sentinel-managed master whose process
 * is killed during traffic, and a three-master Cluster whose slot owner is killed.
 */
class HighAvailabilityIT {

    /** Sends one message with a clientId: its user frame when it was stored, or null when it was not. */
    static JsonObject sendOnce(ChatSocket socket, String content, String clientId) {
        return socket.sendOnce("{\"content\":\"" + content + "\",\"clientId\":\"" + clientId + "\"}");
    }

    static Set<String> storedContents(ServiceClient service, String session) {
        JsonObject body = service.get("api/sessions/" + session + "/messages/").json();
        return body.getJsonArray("messages").stream().map(JsonValue::asJsonObject)
                .filter(m -> m.getBoolean("isSent")).map(m -> m.getString("content")).collect(Collectors.toSet());
    }

    @Test
    void sentinelFailoverIsFollowedWithoutRestartAndNoAcknowledgedMessageIsLost() {
        try (var redis = new RedisSentinelSetup(2);
             var app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url(),
                     "CHAT_REDIS_WAIT_REPLICAS", "1", "CHAT_REDIS_WAIT_TIMEOUT_MS", "1000"))) {
            ServiceClient service = app.client();
            assertTrue(service.get("api/redis/status/").json().getBoolean("redis_connected"));
            String session = "sentinel-" + System.nanoTime();
            Set<String> acknowledged = new HashSet<>();
            var failedDuringFailover = new AtomicInteger();
            long failoverMillis;
            try (ChatSocket socket = service.persistentSocket(session)) {
                for (int i = 0; i < 20; i++) {
                    if (sendOnce(socket, "before-" + i, "b" + i) != null) {
                        acknowledged.add("before-" + i);
                    }
                }
                assertEquals(20, acknowledged.size(), "all stored while the master is healthy");
                int oldMasterPort = redis.master().port();

                long killedAt = System.nanoTime();
                redis.master().kill();
                var tries = new AtomicInteger();
                JsonObject stored = Await.value(() -> {
                    int i = tries.getAndIncrement();
                    JsonObject sent = sendOnce(socket, "during-" + i, "d" + i);
                    if (sent != null) {
                        acknowledged.add("during-" + i);
                    } else {
                        failedDuringFailover.incrementAndGet();
                    }
                    return sent;
                }, Duration.ofSeconds(20), Duration.ofMillis(100), "storing to resume after the master was killed");
                failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
                assertTrue(stored != null && failoverMillis < 10_000, "storing resumed after " + failoverMillis + " ms");
                assertTrue(redis.currentMasterPort() != oldMasterPort, "sentinel promoted a replica");

                for (int j = 0; j < 20; j++) {
                    JsonObject after = sendOnce(socket, "after-" + j, "a" + j);
                    assertTrue(after != null, "stored after the failover");
                    acknowledged.add("after-" + j);
                }
            }
            Set<String> stored = storedContents(service, session);
            Set<String> lost = new HashSet<>(acknowledged);
            lost.removeAll(stored);
            assertEquals(Set.of(), lost, "acknowledged but lost");
            System.out.printf("sentinel failover: storing resumed after %d ms; %d acknowledged, %d refused during"
                    + " failover, %d found, 0 lost%n", failoverMillis, acknowledged.size(), failedDuringFailover.get(),
                    stored.size());
        }
    }

    @Test
    void clusterSpreadsSessionsOverAllMastersAndSurvivesASlotOwnerFailover() {
        try (var cluster = new RedisClusterSetup();
             var app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", cluster.url()))) {
            ServiceClient service = app.client();
            assertTrue(service.get("api/redis/status/").json().getBoolean("redis_connected"),
                    service.get("api/redis/status/").body());
            String run = Long.toString(System.nanoTime());
            List<String> sessions = new ArrayList<>();
            for (int i = 0; i < 24; i++) {
                sessions.add("cluster-" + run + "-" + i);
            }
            for (String session : sessions) {
                try (ChatSocket alice = service.persistentSocket(session);
                     ChatSocket bob = service.persistentSocket(session)) {
                    alice.send("hello " + session);
                    assertEquals("hello " + session, bob.nextJson(2).get(0).getString("content"), "fan-out");
                    alice.nextJson(2);
                }
                assertEquals(2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
            }
            assertEquals(3, cluster.mastersHoldingKeysMatching("chat:{cluster-" + run + "*"),
                    "sessions spread over all three masters");

            String session = sessions.get(0);
            String epoch;
            try (ChatSocket socket = service.persistentSocket(session)) {
                socket.send("second");
                epoch = socket.nextJson(2).get(1).getString("epoch");
            }
            try (ChatSocket writer = service.persistentSocket(session)) {
                writer.send("missed");
                writer.nextJson(2);
            }
            try (ChatSocket resumed = service.socket(session, "redis_persistence=true&since=4&epoch=" + epoch)) {
                assertTrue(resumed.connectedFrame().getBoolean("recovered"), "recovery on a cluster");
                assertEquals("missed", resumed.nextJson(2).get(0).getString("content"));
            }

            cluster.ownerOf("chat:{" + session + "}:meta").kill();
            long killedAt = System.nanoTime();
            JsonObject stored;
            try (ChatSocket socket = service.persistentSocket(session)) {
                var tries = new AtomicInteger();
                stored = Await.value(() -> {
                    int i = tries.getAndIncrement();
                    return sendOnce(socket, "after-failover-" + i, "f" + i);
                }, Duration.ofSeconds(20), Duration.ofMillis(200), "storing to resume after the slot owner was killed");
            }
            long failoverMillis = (System.nanoTime() - killedAt) / 1_000_000;
            assertTrue(stored != null && failoverMillis < 15_000, "storing resumed after " + failoverMillis + " ms");
            JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
            assertTrue(history.getInt("count") >= 2, history.toString());
            System.out.printf("cluster slot-owner failover: storing resumed after %d ms; history of %d entries%n",
                    failoverMillis, history.getInt("count"));
        }
    }
}
