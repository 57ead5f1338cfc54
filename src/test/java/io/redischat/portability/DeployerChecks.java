package io.redischat.portability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.TestMethodOrder;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.DeployedServer;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * What a deployer checks after deploying the WAR, the same on every server: the guide's two curl checks, messages
 * stored with persistence and not without, two clients of one session, the TTL, health, metrics (or what the server
 * offers instead), the admin API, and a Redis outage reported and survived. One server start per subclass; its own Redis, which the
 * outage check kills and restarts.
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
abstract class DeployerChecks {

    /** Short, so the TTL check waits seconds: the servers get it through their own configuration. */
    static final int TTL_SECONDS = 4;
    /** The admin API's token: each server gets it as CHAT_ADMIN_TOKEN in its environment. */
    static final String ADMIN_TOKEN = "deployer-checks-admin";

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    RedisServerProcess redis;
    DeployedServer server;
    ServiceClient service;

    /** Starts the server with the WAR deployed, Redis at {@code redis.url()} and a TTL of {@link #TTL_SECONDS}. */
    abstract DeployedServer start(RedisServerProcess redis);

    /** Checks what the server publishes at {@link DeployedServer#metrics()} after messages were sent. */
    abstract void checkMetrics(String prometheusText);

    @BeforeAll
    void startServer() {
        redis = RedisServerProcess.start();
        server = start(redis);
        service = server.client();
    }

    @AfterAll
    void stopServer() {
        if (server != null) {
            server.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    @Test
    @Order(1)
    void theGuidesCurlChecksAnswer() {
        var status = service.get("api/redis/status/");
        assertEquals(200, status.status(), status.body());
        assertTrue(status.contentType().startsWith("application/json"), status.contentType());
        JsonObject json = status.json();
        assertTrue(json.getBoolean("success"), json.toString());
        assertTrue(json.getBoolean("redis_connected"), json.toString());
        assertEquals(redis.url(), json.getString("redis_url"));
        assertEquals(TTL_SECONDS, json.getInt("default_ttl"));

        var messages = service.get("api/sessions/test-session-123/messages/");
        assertEquals(200, messages.status(), messages.body());
        JsonObject history = messages.json();
        assertTrue(history.getBoolean("success"));
        assertEquals("test-session-123", history.getString("session_id"));
        assertEquals(0, history.getInt("count"));
        assertEquals("never_persisted", history.getString("empty_reason"));
    }

    @Test
    @Order(2)
    void withPersistenceTheMessageAndItsReplyAreStoredAndServed() {
        String session = "persisted-" + System.nanoTime();
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("Hello Redis test!");
            List<JsonObject> frames = socket.nextJson(2);
            assertTrue(frames.get(0).getBoolean("persisted"), frames.toString());
            assertEquals("Message #1: Hello Redis test!", frames.get(1).getString("content"));
        }
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(2, history.getInt("count"), history.toString());
        assertEquals("Hello Redis test!", history.getJsonArray("messages").getJsonObject(0).getString("content"));
        assertEquals("Message #1: Hello Redis test!",
                history.getJsonArray("messages").getJsonObject(1).getString("content"));
        int ttl = history.getInt("ttl_remaining");
        assertTrue(ttl > 0 && ttl <= TTL_SECONDS, history.toString());
    }

    @Test
    @Order(3)
    void withoutPersistenceTheReplyComesAndNothingIsStored() {
        String session = "ephemeral-" + System.nanoTime();
        try (ChatSocket socket = service.socket(session, null)) {
            socket.send("not kept");
            List<JsonObject> frames = socket.nextJson(2);
            assertFalse(frames.get(0).getBoolean("persisted"), frames.toString());
            assertEquals("Message #1: not kept", frames.get(1).getString("content"));
        }
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(0, history.getInt("count"), history.toString());
        assertEquals("never_persisted", history.getString("empty_reason"));
    }

    @Test
    @Order(4)
    void twoClientsOfOneSessionSeeEachOthersMessages() {
        String session = "two-clients-" + System.nanoTime();
        try (ChatSocket alice = service.persistentSocket(session); ChatSocket bob = service.persistentSocket(session)) {
            alice.send("hi from alice");
            assertEquals("hi from alice", bob.nextJson().getString("content"));
            assertEquals("Message #1: hi from alice", bob.nextJson().getString("content"));
            alice.nextJson(2);
            bob.send("hi from bob");
            assertEquals("hi from bob", alice.nextJson().getString("content"));
            assertEquals("Message #2: hi from bob", alice.nextJson().getString("content"));
        }
    }

    @Test
    @Order(5)
    void theHistoryExpiresAfterTheTtl() throws InterruptedException {
        String session = "expiring-" + System.nanoTime();
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("short-lived");
            socket.nextJson(2);
        }
        // waits out the TTL on purpose: that the history is gone once it passed is what this checks
        Thread.sleep(TTL_SECONDS * 1000L + 1500);
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(0, history.getInt("count"), history.toString());
        assertEquals("expired", history.getString("empty_reason"));
    }

    @Test
    @Order(6)
    void healthIsUpAndTheServerPublishesMetrics() {
        assertEquals(200, get(server.health().resolve("live")).statusCode());
        var ready = get(server.health().resolve("ready"));
        assertEquals(200, ready.statusCode(), ready.body());
        assertTrue(ready.body().contains("\"UP\""), ready.body());
        var metrics = get(metricsUri());
        assertEquals(200, metrics.statusCode(), metrics.body());
        keep(metrics.body());
        checkMetrics(metrics.body());
    }

    @Test
    @Order(7)
    void theAdminApiListsExportsAndDeletesWithItsTokenOnly() {
        String session = "admin-" + System.nanoTime();
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("for the operator");
            socket.nextJson(2);
        }
        assertEquals(401, admin("GET", "api/admin/sessions", null).statusCode(), "no token");
        HttpResponse<String> detail = admin("GET", "api/admin/sessions/" + session, ADMIN_TOKEN);
        assertEquals(200, detail.statusCode(), detail.body());
        assertEquals(2, ChatSocket.json(detail.body()).getJsonObject("session").getInt("messages"), detail.body());
        HttpResponse<String> list = admin("GET", "api/admin/sessions?limit=1000", ADMIN_TOKEN);
        assertEquals(200, list.statusCode(), list.body());
        assertTrue(list.body().contains("\"session_id\":\"" + session + "\""), list.body());
        HttpResponse<String> export = admin("GET", "api/admin/export?session=" + session, ADMIN_TOKEN);
        assertEquals(200, export.statusCode(), export.body());
        assertTrue(export.body().contains("\"content\":\"Message #1: for the operator\""), export.body());
        assertEquals(200, admin("DELETE", "api/admin/sessions/" + session, ADMIN_TOKEN).statusCode());
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals("deleted", history.getString("empty_reason"), history.toString());
    }

    private HttpResponse<String> admin(String method, String path, String token) {
        var request = HttpRequest.newBuilder(service.base().resolve(path)).timeout(Duration.ofSeconds(10))
                .method(method, HttpRequest.BodyPublishers.noBody());
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            return HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException(method + " " + path, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    @Test
    @Order(8)
    void aRedisOutageIsReportedAndTheServiceRecovers() {
        String session = "outage-" + System.nanoTime();
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("before");
            socket.nextJson(2);
            redis.kill();
            JsonObject status = Await.value(() -> {
                JsonObject answer = service.get("api/redis/status/").json();
                return answer.getBoolean("redis_connected") ? null : answer;
            }, Duration.ofSeconds(15), "status to say Redis is down");
            assertTrue(status.containsKey("error"), status.toString());
            var messages = service.get("api/sessions/" + session + "/messages/");
            assertEquals(503, messages.status(), messages.body());
            assertFalse(messages.json().getBoolean("success"));
            Await.until(() -> get(server.health().resolve("ready")).statusCode() == 503, Duration.ofSeconds(30),
                    "readiness DOWN");
            assertEquals(200, get(server.health().resolve("live")).statusCode(), "Redis away is not the server dead");
            assertNull(socket.sendOnce("while Redis is away"), "nothing is acknowledged that Redis did not store");

            redis.launch();
            Await.until(() -> get(server.health().resolve("ready")).statusCode() == 200, Duration.ofSeconds(30),
                    "readiness UP again");
            socket.sendUntilStored("after the outage");
        }
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertTrue(history.getBoolean("success"), history.toString());
        String first = history.getJsonArray("messages").getJsonObject(0).getString("content");
        assertTrue(first.startsWith("after the outage"), "an empty Redis starts the history over: " + history);
    }

    /** The metrics URI with the application scope where the server knows scopes. */
    URI metricsUri() {
        return server.metrics();
    }

    /** The server's chat_* metrics, kept under target/servers/ to compare the servers' names side by side. */
    private void keep(String prometheusText) {
        String chat = prometheusText.lines().filter(line -> line.startsWith("chat_") || line.contains(" chat_"))
                .collect(Collectors.joining("\n", "", "\n"));
        try {
            Path file = Path.of("target", "servers", server.name().replace(' ', '-') + "-metrics.txt");
            Files.createDirectories(file.getParent());
            Files.writeString(file, chat);
        } catch (IOException e) {
            // only a convenience for reading
        }
    }

    static HttpResponse<String> get(URI uri) {
        try {
            return HTTP.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10)).build(),
                    HttpResponse.BodyHandlers.ofString());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + uri, e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
