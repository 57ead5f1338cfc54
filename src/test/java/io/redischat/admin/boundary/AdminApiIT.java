package io.redischat.admin.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import redis.clients.jedis.Jedis;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisClusterSetup;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * The admin API against the WAR on Payara Micro and a real Redis of its own: closed without a token, the bearer
 * token, paging over SCAN, detail, TTL, delete (the socket is told and closed), the audit line, and export / import
 * (exact, idempotent, refusing a malformed line after keeping what came before, never overwriting newer history).
 */
class AdminApiIT {

    static final String TOKEN = "admin-token-" + System.nanoTime() + "-secret";
    static final String SECRET = "abcdefghijklmnopqrstuvwxyz012345";

    static RedisServerProcess redis;
    static PayaraMicroProcess app;
    static ServiceClient service;
    static Jedis jedis;
    static final HttpClient HTTP = HttpClient.newHttpClient();

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url(), "CHAT_ADMIN_TOKEN", TOKEN,
                "CHAT_CLIENT_MAX_NEW_SESSIONS_PER_MINUTE", "1000"));
        service = app.client();
        jedis = new Jedis("127.0.0.1", redis.port());
    }

    @AfterAll
    static void stop() {
        if (jedis != null) {
            jedis.close();
        }
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    record Answer(int status, String body, HttpResponse<String> response) {
        JsonObject json() {
            return Json.createReader(new java.io.StringReader(body)).readObject();
        }
    }

    static Answer call(String method, String path, String token, String body) {
        var request = HttpRequest.newBuilder(app.root().resolve(path)).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8));
        if (body != null) {
            request.header("Content-Type", path.contains("import") ? "application/x-ndjson" : "application/json");
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.body(), response);
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    static Answer admin(String method, String path, String body) {
        return call(method, "api/admin/" + path, TOKEN, body);
    }

    /** A persisted session with {@code messages} user messages (and their replies) from a client with an author. */
    static void chat(String session, int messages) {
        try (ChatSocket socket = service.socket(session, "redis_persistence=true&author_secret=" + SECRET)) {
            for (int i = 1; i <= messages; i++) {
                socket.send("{\"content\":\"hello \\\"" + i + "\\\" \u00e9\u2603\",\"clientId\":\"m" + i + "-" + System.nanoTime() + "\"}");
                List<JsonObject> frames = socket.nextJson(2);
                assertTrue(frames.get(0).getBoolean("persisted"), frames.toString());
            }
        }
    }

    static String history(String session) {
        String body = service.get("api/sessions/" + session + "/messages/").body();
        return body.replaceAll(",\"ttl_remaining\":\\d+", "");
    }

    @Test
    void withoutATokenConfiguredTheAdminApiDoesNotExist() {
        try (PayaraMicroProcess closed = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url()))) {
            var answer = HTTP.send(HttpRequest.newBuilder(closed.root().resolve("api/admin/sessions"))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(404, answer.statusCode());
            assertEquals("{\"success\":false,\"error\":\"not found\"}", answer.body());
        } catch (Exception e) {
            throw new IllegalStateException(e);
        }
    }

    @Test
    void aMissingOrWrongTokenIs401WithTheChallengeAndTheErrorShape() {
        for (String token : new String[] {null, "wrong", TOKEN + "x", ""}) {
            Answer answer = call("GET", "api/admin/sessions", token, null);
            assertEquals(401, answer.status(), "token " + token);
            assertTrue(answer.response().headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer"));
            assertFalse(answer.json().getBoolean("success"));
            assertNotNull(answer.json().getString("error"));
        }
        assertEquals(401, call("DELETE", "api/admin/sessions/x", "wrong", null).status());
        assertEquals(401, call("GET", "api/admin/export", null, null).status());
    }

    @Test
    void theCursorWalksEverySessionExactlyOnce() {
        String prefix = "page-" + System.nanoTime() + "-";
        Set<String> made = new TreeSet<>();
        for (int i = 0; i < 37; i++) {
            String id = prefix + i;
            jedis.hset("chat:{" + id + "}:meta", Map.of("epoch", "0000abcd", "n", "0", "seq", "0"));
            jedis.expire("chat:{" + id + "}:meta", 600);
            made.add(id);
        }
        List<String> seen = new ArrayList<>();
        String cursor = null;
        int pages = 0;
        do {
            Answer page = admin("GET", "sessions?limit=7" + (cursor == null ? "" : "&cursor=" + cursor), null);
            assertEquals(200, page.status(), page.body());
            JsonObject json = page.json();
            assertTrue(json.getBoolean("success"));
            json.getJsonArray("sessions").forEach(s -> seen.add(s.asJsonObject().getString("session_id")));
            cursor = json.containsKey("next_cursor") ? json.getString("next_cursor") : null;
            pages++;
        } while (cursor != null && pages < 100);
        List<String> ours = seen.stream().filter(id -> id.startsWith(prefix)).toList();
        assertEquals(made, new TreeSet<>(ours));
        assertEquals(made.size(), ours.size(), "every session once: " + ours);
        assertTrue(pages > 1, "more than one page");
        assertEquals(400, admin("GET", "sessions?cursor=!!", null).status());
        assertEquals(400, admin("GET", "sessions?limit=0", null).status());
    }

    @Test
    void connectionsAreCountedAcrossInstancesAndADeadInstanceDropsOutByItself() {
        String session = "instances-" + System.nanoTime();
        chat(session, 1);
        try (PayaraMicroProcess second = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url(),
                "CHAT_ADMIN_TOKEN", TOKEN))) {
            ChatSocket here = service.persistentSocket(session);
            ChatSocket there = second.client().persistentSocket(session);
            try {
                Await.until(() -> connections(session) == 2, Duration.ofSeconds(15),
                        "one socket on each instance, counted by the first");
                assertEquals(2, admin("GET", "sessions?limit=1", null).json().getInt("instances"));
                second.kill();
                // the dead instance cannot say goodbye: its counts expire in Redis
                Await.until(() -> connections(session) == 1, Duration.ofSeconds(20),
                        "the dead instance's socket no longer counted");
            } finally {
                here.close();
                there.close();
            }
        }
    }

    private static long connections(String session) {
        return admin("GET", "sessions/" + session, null).json().getJsonObject("session")
                .getJsonNumber("connections").longValue();
    }

    @Test
    void detailShowsCountsEpochTtlActivityAndOpenConnections() {
        String session = "detail-" + System.nanoTime();
        chat(session, 2);
        try (ChatSocket watcher = service.persistentSocket(session)) {
            JsonObject detail = Await.value(() -> {
                JsonObject found = admin("GET", "sessions/" + session, null).json().getJsonObject("session");
                return found.getJsonNumber("connections").longValue() == 1 ? found : null;
            }, Duration.ofSeconds(10), "the open socket counted");
            assertEquals(4, detail.getInt("messages"));
            assertEquals(4, detail.getInt("last_seq"));
            assertEquals(jedis.hget("chat:{" + session + "}:meta", "epoch"), detail.getString("epoch"));
            assertTrue(detail.getInt("ttl_remaining") > 250, detail.toString());
            assertTrue(Math.abs(System.currentTimeMillis() - detail.getJsonNumber("last_activity").longValue())
                    < 60_000, detail.toString());
        }
        assertEquals(404, admin("GET", "sessions/nothing-" + System.nanoTime(), null).status());
        assertEquals(400, admin("GET", "sessions/bad%20id", null).status());
    }

    @Test
    void aTtlChangeReachesEveryKeyOfTheSession() {
        String session = "ttl-" + System.nanoTime();
        chat(session, 1);
        Answer changed = admin("PUT", "sessions/" + session + "/ttl", "{\"ttl_seconds\":5000}");
        assertEquals(200, changed.status(), changed.body());
        assertTrue(changed.json().getJsonObject("session").getInt("ttl_remaining") > 4990);
        for (String key : jedis.keys("chat:{" + session + "}:*")) {
            assertTrue(jedis.ttl(key) > 4990 || key.endsWith(":seen") || key.contains(":cid:#"), key);
        }
        assertTrue(jedis.ttl("chat:{" + session + "}:history") > 4990);
        assertTrue(jedis.ttl("chat:{" + session + "}:meta") > 4990);
        assertTrue(jedis.ttl("chat:{" + session + "}:seen") > 4990);
        assertEquals(200, admin("PUT", "sessions/" + session + "/ttl", "{\"ttl_seconds\":30}").status());
        assertTrue(jedis.ttl("chat:{" + session + "}:history") <= 30);
        assertEquals(400, admin("PUT", "sessions/" + session + "/ttl", "{\"ttl_seconds\":0}").status());
        assertEquals(400, admin("PUT", "sessions/" + session + "/ttl", "{}").status());
        assertEquals(404, admin("PUT", "sessions/none-" + System.nanoTime() + "/ttl", "{\"ttl_seconds\":9}").status());
    }

    @Test
    void deleteTellsAndClosesTheSessionsClientsAndLeavesOnlyATombstoneAndAnAuditLine() throws Exception {
        String session = "delete-" + System.nanoTime();
        chat(session, 2);
        try (ChatSocket member = service.persistentSocket(session)) {
            Answer deleted = admin("DELETE", "sessions/" + session, null);
            assertEquals(200, deleted.status(), deleted.body());
            assertTrue(deleted.json().getBoolean("deleted"));
            JsonObject sync = member.nextSync(Duration.ofSeconds(10));
            assertNotNull(sync, "a sync frame");
            assertEquals("deleted", sync.getString("state"));
            ChatSocket.Closed closed = member.awaitClose(Duration.ofSeconds(10));
            assertEquals(1000, closed.code());
            assertEquals("session deleted by an administrator", closed.reason());
        }
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(0, history.getInt("count"));
        assertEquals("deleted", history.getString("empty_reason"));
        assertEquals(Set.of("chat:{" + session + "}:seen"), jedis.keys("chat:{" + session + "}:*"));
        assertEquals(404, admin("DELETE", "sessions/" + session, null).status());

        String id = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256")
                .digest(TOKEN.getBytes(StandardCharsets.UTF_8))).substring(0, 8);
        Await.until(() -> app.log().contains("admin audit actor=token:" + id + " action=delete session=" + session),
                Duration.ofSeconds(5), "the audit line");
        assertFalse(app.log().contains(TOKEN), "the token is never logged");
        String metrics = HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port()
                + "/metrics?scope=application")).build(), HttpResponse.BodyHandlers.ofString()).body();
        assertTrue(metrics.contains("chat_admin_actions_total{action=\"delete\"") , metrics);
    }

    @Test
    void exportFlushImportRestoresTheHistoryExactlyAndTwiceChangesNothing() {
        String first = "backup-a-" + System.nanoTime();
        String second = "backup-b-" + System.nanoTime();
        chat(first, 3);
        chat(second, 1);
        Map<String, String> before = Map.of(first, history(first), second, history(second));

        Answer export = admin("GET", "export", null);
        assertEquals(200, export.status());
        assertTrue(export.response().headers().firstValue("Content-Type").orElse("").startsWith("application/x-ndjson"));
        assertTrue(export.body().contains("\"session_id\":\"" + first + "\""), export.body());
        Answer single = admin("GET", "export?session=" + second, null);
        assertEquals(4, single.body().lines().count(), single.body());
        assertTrue(single.body().endsWith("{\"type\":\"end\",\"sessions\":1}\n"), single.body());
        assertTrue(export.body().lines().reduce((a, b) -> b).orElse("").startsWith("{\"type\":\"end\""));

        jedis.flushAll();
        assertEquals("never_persisted", service.get("api/sessions/" + first + "/messages/").json()
                .getString("empty_reason"));

        Answer restored = admin("POST", "import", export.body());
        assertEquals(200, restored.status(), restored.body());
        assertTrue(restored.json().getJsonArray("restored").toString().contains(first), restored.body());
        for (var session : before.entrySet()) {
            assertEquals(session.getValue(), history(session.getKey()), "history of " + session.getKey());
        }
        String stateAfterFirst = state(first);

        Answer again = admin("POST", "import", export.body());
        assertEquals(200, again.status(), again.body());
        assertEquals(0, again.json().getInt("messages_imported"), again.body());
        assertTrue(again.json().getJsonArray("unchanged").toString().contains(first), again.body());
        assertEquals(stateAfterFirst, state(first));

        // a live client continues where the restored counters are: the next seq and N follow
        try (ChatSocket socket = service.persistentSocket(first)) {
            socket.send("after the restore");
            JsonObject sent = socket.nextJson(2).get(1);
            assertEquals(8, sent.getInt("seq"), sent.toString());
            assertEquals("Message #4: after the restore", sent.getString("content"));
        }
    }

    /** The session's keys as Redis holds them, but for TTLs. */
    static String state(String session) {
        String key = "chat:{" + session + "}:";
        var entries = jedis.xrange(key + "history", "-", "+");
        var meta = new java.util.TreeMap<>(jedis.hgetAll(key + "meta"));
        meta.remove("m");
        return entries.toString() + meta + jedis.get(key + "seen");
    }

    @Test
    void aMalformedLineIsReportedByNumberAndWhatCameBeforeItIsKept() {
        String session = "malformed-" + System.nanoTime();
        String file = String.join("\n",
                "{\"type\":\"session\",\"session_id\":\"" + session + "\",\"epoch\":\"0badcafe\",\"n\":2,\"seq\":4,"
                        + "\"ttl_seconds\":300}",
                "{\"type\":\"message\",\"session_id\":\"" + session + "\",\"epoch\":\"0badcafe\",\"seq\":1,\"n\":1,"
                        + "\"content\":\"one\",\"timestamp\":1795870896901,\"isSent\":true,\"from\":\"c1\"}",
                "{\"type\":\"message\",\"session_id\":\"" + session + "\",\"epoch\":\"0badcafe\",\"seq\":2,\"n\":1,"
                        + "\"content\":\"Message #1: one\",\"timestamp\":1795870896901,\"isSent\":false,\"from\":\"c1\"}",
                "",
                "{\"type\":\"message\",\"session_id\":\"" + session + "\",\"seq\":3 this is not json",
                "{\"type\":\"message\",\"session_id\":\"" + session + "\",\"epoch\":\"0badcafe\",\"seq\":4,\"n\":2,"
                        + "\"content\":\"never read\",\"timestamp\":1795870896902,\"isSent\":true}") + "\n";
        Answer answer = admin("POST", "import", file);
        assertEquals(400, answer.status(), answer.body());
        JsonObject report = answer.json();
        assertFalse(report.getBoolean("success"));
        assertEquals(5, report.getInt("line"));
        assertTrue(report.getString("error").startsWith("line 5: "), report.getString("error"));
        assertEquals(2, report.getInt("messages_imported"));
        JsonObject history = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(2, history.getInt("count"), history.toString());
        assertEquals("Message #1: one", history.getJsonArray("messages").getJsonObject(1).getString("content"));
        assertEquals("0badcafe", history.getString("epoch"));
    }

    @Test
    void aLineLongerThanAnyExportHoldsIsRefusedByNumberWithoutReadingItWhole() {
        String session = "long-line-" + System.nanoTime();
        String file = String.join("\n",
                "{\"type\":\"session\",\"session_id\":\"" + session + "\",\"epoch\":\"0badcafe\",\"n\":1,\"seq\":2,"
                        + "\"ttl_seconds\":300}",
                "{\"type\":\"message\",\"session_id\":\"" + session + "\",\"epoch\":\"0badcafe\",\"seq\":1,\"n\":1,"
                        + "\"content\":\"one\",\"timestamp\":1795870896901,\"isSent\":true}",
                "{\"type\":\"message\",\"session_id\":\"" + session + "\",\"content\":\"" + "w".repeat(2_000_000)
                        + "\"}") + "\n";
        Answer answer = admin("POST", "import", file);
        assertEquals(400, answer.status(), answer.body().substring(0, Math.min(500, answer.body().length())));
        JsonObject report = answer.json();
        assertEquals(3, report.getInt("line"));
        assertTrue(report.getString("error").matches("line 3: longer than \\d+ characters"), report.getString("error"));
        assertEquals(1, report.getInt("messages_imported"));
        assertEquals(1, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    @Test
    void aSessionWithNewerMessagesThanTheFileIsSkippedAndSaysSo() {
        String session = "newer-" + System.nanoTime();
        chat(session, 1);
        String file = admin("GET", "export?session=" + session, null).body();
        chat(session, 1);
        String now = history(session);
        Answer answer = admin("POST", "import", file);
        assertEquals(200, answer.status(), answer.body());
        JsonObject skipped = answer.json().getJsonArray("skipped").getJsonObject(0);
        assertEquals(session, skipped.getString("session_id"));
        assertTrue(skipped.getString("reason").contains("newer"), skipped.toString());
        assertEquals(now, history(session));

        // another history under the same id (a new epoch) is newer too
        jedis.del("chat:{" + session + "}:meta", "chat:{" + session + "}:history");
        chat(session, 1);
        String restarted = history(session);
        Answer other = admin("POST", "import", file);
        assertTrue(other.json().getJsonArray("skipped").getJsonObject(0).getString("reason").contains("epoch"),
                other.body());
        assertEquals(restarted, history(session));
    }

    @Test
    void onAClusterTheListingScansEveryMasterAndDeleteExportAndImportWork() throws Exception {
        try (var cluster = new RedisClusterSetup();
             var clustered = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", cluster.url(),
                     "CHAT_ADMIN_TOKEN", TOKEN))) {
            String prefix = "cluster-" + System.nanoTime() + "-";
            Set<String> made = new TreeSet<>();
            for (int i = 0; i < 30; i++) {
                String key = "chat:{" + prefix + i + "}:meta";
                cluster.ownerOf(key).command("HSET", key, "epoch", "0000abcd", "n", "0", "seq", "0");
                made.add(prefix + i);
            }
            assertEquals(3, cluster.mastersHoldingKeysMatching("chat:{" + prefix + "*}:meta"));
            List<String> seen = new ArrayList<>();
            String cursor = null;
            int pages = 0;
            do {
                var answer = HTTP.send(HttpRequest.newBuilder(clustered.root().resolve("api/admin/sessions?limit=4"
                                + (cursor == null ? "" : "&cursor=" + cursor)))
                        .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
                assertEquals(200, answer.statusCode(), answer.body());
                JsonObject json = Json.createReader(new java.io.StringReader(answer.body())).readObject();
                json.getJsonArray("sessions").forEach(s -> seen.add(s.asJsonObject().getString("session_id")));
                cursor = json.containsKey("next_cursor") ? json.getString("next_cursor") : null;
                pages++;
            } while (cursor != null && pages < 100);
            List<String> ours = seen.stream().filter(id -> id.startsWith(prefix)).toList();
            assertEquals(made, new TreeSet<>(ours));
            assertEquals(made.size(), ours.size(), "every session once: " + ours);

            String session = prefix + "real";
            ServiceClient client = clustered.client();
            try (ChatSocket socket = client.socket(session, "redis_persistence=true&author_secret=" + SECRET)) {
                socket.send("{\"content\":\"on a cluster\",\"clientId\":\"c1\"}");
                assertTrue(socket.nextJson(2).get(0).getBoolean("persisted"));
            }
            String before = client.get("api/sessions/" + session + "/messages/").body()
                    .replaceAll(",\"ttl_remaining\":\\d+", "");
            var export = HTTP.send(HttpRequest.newBuilder(clustered.root().resolve("api/admin/export?session=" + session))
                    .header("Authorization", "Bearer " + TOKEN).build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(4, export.body().lines().count(), export.body());
            var deleted = HTTP.send(HttpRequest.newBuilder(clustered.root().resolve("api/admin/sessions/" + session))
                    .header("Authorization", "Bearer " + TOKEN).DELETE().build(), HttpResponse.BodyHandlers.ofString());
            assertEquals(200, deleted.statusCode(), deleted.body());
            assertTrue(Json.createReader(new java.io.StringReader(deleted.body())).readObject()
                    .getInt("keys_deleted") >= 3, deleted.body());
            assertEquals("deleted", client.get("api/sessions/" + session + "/messages/").json()
                    .getString("empty_reason"));
            var imported = HTTP.send(HttpRequest.newBuilder(clustered.root().resolve("api/admin/import"))
                    .header("Authorization", "Bearer " + TOKEN)
                    .POST(HttpRequest.BodyPublishers.ofString(export.body())).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(200, imported.statusCode(), imported.body());
            assertEquals(before, client.get("api/sessions/" + session + "/messages/").body()
                    .replaceAll(",\"ttl_remaining\":\\d+", ""));
        }
    }
}
