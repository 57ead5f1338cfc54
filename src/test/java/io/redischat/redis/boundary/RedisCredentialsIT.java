package io.redischat.redis.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.FreePorts;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.TestCertificates;

/**
 * {@code rediss://user:password@...} against a real TLS redis-server whose ACL user may only touch the service's
 * {@code chat:} keys and channels; the password shows up in no response and no log line.
 */
class RedisCredentialsIT {

    static final String PASSWORD = "Sup3r-s3cret-pw";
    static final String ADMIN_TOKEN = "acl-admin-token-" + System.nanoTime();

    @Test
    void tlsAndAnAclUserLimitedToTheKeyPrefixWorkAndThePasswordNeverShows() throws Exception {
        TestCertificates certificates = TestCertificates.create();
        int tlsPort = FreePorts.pick();
        try (RedisServerProcess redis = RedisServerProcess.start(
                certificates.redisTlsArguments(tlsPort).toArray(String[]::new))) {
            assertTrue(redis.command("ACL", "SETUSER", "chat", "on", ">" + PASSWORD, "~chat:*", "&chat:*", "+@all",
                    "-@dangerous").startsWith("+OK"));
            String url = "rediss://chat:" + PASSWORD + "@127.0.0.1:" + tlsPort + "/0";
            try (PayaraMicroProcess app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", url,
                    "REDIS_TLS_TRUSTSTORE", certificates.truststore().toString(),
                    "REDIS_TLS_TRUSTSTORE_PASSWORD", certificates.truststorePassword(),
                    "CHAT_ADMIN_TOKEN", ADMIN_TOKEN))) {
                ServiceClient service = app.client();
                List<String> bodies = new ArrayList<>();

                var status = service.get("api/redis/status/");
                bodies.add(status.body());
                assertTrue(status.json().getBoolean("redis_connected"), status.body());
                assertEquals("rediss://****@127.0.0.1:" + tlsPort + "/0", status.json().getString("redis_url"));

                String session = "acl-tls-" + System.nanoTime();
                try (ChatSocket socket = service.persistentSocket(session)) {
                    socket.send("over TLS");
                    List<JsonObject> frames = socket.nextJson(2);
                    assertTrue(frames.get(0).getBoolean("persisted"), frames.toString());
                    bodies.add(frames.toString());
                }
                var history = service.get("api/sessions/" + session + "/messages/");
                bodies.add(history.body());
                assertEquals(2, history.json().getInt("count"));

                HttpClient http = HttpClient.newHttpClient();
                bodies.addAll(adminApiWorksUnderTheAclUser(http, app.port(), session));
                HttpResponse<String> ready = http.send(HttpRequest.newBuilder(
                        URI.create("http://localhost:" + app.port() + "/health/ready")).build(),
                        HttpResponse.BodyHandlers.ofString());
                bodies.add(ready.body());
                assertEquals(200, ready.statusCode(), "pub/sub probe delivers on the chat: channels: " + ready.body());

                String keys = redis.command("KEYS", "*");
                for (String line : keys.split("\r\n")) {
                    if (!line.startsWith("*") && !line.startsWith("$")) {
                        assertTrue(line.startsWith("chat:"), "key outside the prefix: " + line);
                    }
                }
                for (String body : bodies) {
                    assertFalse(body.contains(PASSWORD), "password in a response: " + body);
                }
                assertFalse(app.log().contains(PASSWORD), "password in the server log");
            }
        }
    }

    /**
     * Every admin operation with the ACL user that cannot run {@code @dangerous} commands: listing (SCAN), detail,
     * TTL, export, import and delete. Returns the bodies, to look for the password in.
     */
    private static List<String> adminApiWorksUnderTheAclUser(HttpClient http, int port, String session)
            throws Exception {
        List<String> bodies = new ArrayList<>();
        HttpResponse<String> page = admin(http, port, "GET", "sessions?limit=50", null);
        bodies.add(page.body());
        assertEquals(200, page.statusCode(), page.body());
        assertTrue(page.body().contains("\"" + session + "\""), page.body());
        HttpResponse<String> detail = admin(http, port, "GET", "sessions/" + session, null);
        assertEquals(200, detail.statusCode(), detail.body());
        assertTrue(detail.body().contains("\"messages\":2"), detail.body());
        HttpResponse<String> ttl = admin(http, port, "PUT", "sessions/" + session + "/ttl", "{\"ttl_seconds\":120}");
        assertEquals(200, ttl.statusCode(), ttl.body());
        HttpResponse<String> export = admin(http, port, "GET", "export?session=" + session, null);
        assertEquals(200, export.statusCode(), export.body());
        assertTrue(export.body().contains("Message #1: over TLS"), export.body());
        HttpResponse<String> deleted = admin(http, port, "DELETE", "sessions/" + session, null);
        assertEquals(200, deleted.statusCode(), deleted.body());
        HttpResponse<String> imported = admin(http, port, "POST", "import", export.body());
        bodies.add(imported.body());
        assertEquals(200, imported.statusCode(), imported.body());
        assertTrue(imported.body().contains("\"messages_imported\":2"), imported.body());
        return bodies;
    }

    private static HttpResponse<String> admin(HttpClient http, int port, String method, String path, String body)
            throws Exception {
        return http.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/chat/api/admin/" + path))
                .header("Authorization", "Bearer " + ADMIN_TOKEN).header("Content-Type", "application/json")
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body))
                .build(), HttpResponse.BodyHandlers.ofString());
    }

    @Test
    void aWrongPasswordIsReportedWithoutShowingIt() {
        try (RedisServerProcess redis = RedisServerProcess.start()) {
            redis.command("ACL", "SETUSER", "chat", "on", ">" + PASSWORD, "~chat:*", "&chat:*", "+@all");
            String url = "redis://chat:wrong-" + PASSWORD + "@127.0.0.1:" + redis.port() + "/0";
            try (PayaraMicroProcess app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", url))) {
                var status = app.client().get("api/redis/status/");
                assertFalse(status.json().getBoolean("redis_connected"));
                assertTrue(status.json().getString("error").contains("authentication failed"), status.body());
                assertFalse(status.body().contains(PASSWORD));
                var history = app.client().get("api/sessions/some-session/messages/");
                assertEquals(503, history.status());
                assertFalse(history.body().contains(PASSWORD), history.body());
                try (ChatSocket socket = app.client().persistentSocket("some-session")) {
                    socket.send("hello");
                    List<JsonObject> frames = socket.nextJson(3);
                    assertEquals("redis_unavailable", frames.get(2).getString("code"));
                    assertFalse(frames.toString().contains(PASSWORD));
                }
                assertFalse(app.log().contains(PASSWORD), "password in the server log");
            }
        }
    }
}
