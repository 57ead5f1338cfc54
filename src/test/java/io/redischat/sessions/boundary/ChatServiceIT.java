package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;
import org.junit.jupiter.api.extension.ExtendWith;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.Deployments;
import io.redischat.testsupport.NginxProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.ServiceClient.JsonResponse;
import io.redischat.testsupport.SharedRedis;

/**
 * The service as a user meets it: the deployed WAR on Payara Micro with a real Redis, driven over HTTP and
 * WebSocket. Covers the guide's curl checks and manual protocol, persistence on and off, two clients, bad input.
 */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class ChatServiceIT {

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.chatWar();
    }

    @ArquillianResource
    URL deploymentUrl;

    ServiceClient service;
    RedisServerProcess redis;
    String session;

    @BeforeEach
    void connect(TestInfo test) {
        redis = SharedRedis.get();
        service = ServiceClient.at(deploymentUrl);
        session = test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    }

    @Test
    void statusAnswersTheGuideShape() {
        JsonResponse response = service.get("api/redis/status/");
        assertEquals(200, response.status());
        assertTrue(response.contentType().startsWith("application/json"), response.contentType());
        JsonObject status = response.json();
        assertTrue(status.getBoolean("success"));
        assertTrue(status.getBoolean("redis_connected"), response.body());
        assertEquals("redis://127.0.0.1:" + redis.port() + "/0", status.getString("redis_url"));
        assertEquals(300, status.getInt("default_ttl"));
        assertTrue(status.getString("redis_version").matches("\\d+\\.\\d+\\.\\d+"), response.body());
        assertTrue(status.getJsonNumber("latency_ms").doubleValue() >= 0, response.body());
        assertTrue(status.getBoolean("pubsub_delivering"), response.body());
        assertEquals(200, service.get("api/redis/status").status(), "without the trailing slash too");
    }

    @Test
    void guideManualProtocolStoresBothMessagesInRedis() {
        String author;
        try (ChatSocket socket = service.persistentSocket("test-redis-123")) {
            author = socket.connectedFrame().getString("connectionId");
            socket.send("Hello Redis test!");
            List<JsonObject> frames = socket.nextJson(2);
            JsonObject sent = frames.get(0);
            JsonObject reply = frames.get(1);
            assertEquals("message", sent.getString("type"));
            assertEquals("Hello Redis test!", sent.getString("content"));
            assertTrue(sent.getBoolean("isSent"));
            assertTrue(sent.getBoolean("persisted"));
            assertEquals("test-redis-123", sent.getString("sessionId"));
            assertEquals("Message #1: Hello Redis test!", reply.getString("content"));
            assertFalse(reply.getBoolean("isSent"));
            assertTrue(reply.getBoolean("persisted"));
            assertEquals(sent.getJsonNumber("seq").longValue() + 1, reply.getJsonNumber("seq").longValue());
            assertEquals(author, sent.getString("from"), "the message names its sending socket");
            assertEquals(author, reply.getString("from"), "the reply names the socket it answers");
        }

        JsonResponse response = service.get("api/sessions/test-redis-123/messages/");
        assertEquals(200, response.status());
        JsonObject body = response.json();
        assertTrue(body.getBoolean("success"));
        assertEquals("test-redis-123", body.getString("session_id"));
        assertEquals(2, body.getInt("count"));
        var messages = body.getJsonArray("messages");
        JsonObject first = messages.getJsonObject(0);
        assertEquals(Set.of("content", "timestamp", "isSent", "sessionId", "seq", "from"), first.keySet());
        assertEquals(author, first.getString("from"));
        assertEquals("Hello Redis test!", first.getString("content"));
        assertTrue(first.getBoolean("isSent"));
        assertEquals("test-redis-123", first.getString("sessionId"));
        assertTrue(first.getJsonNumber("timestamp").longValue() > 1_700_000_000_000L);
        assertEquals("Message #1: Hello Redis test!", messages.getJsonObject(1).getString("content"));
        assertFalse(messages.getJsonObject(1).getBoolean("isSent"));
        assertTrue(body.getInt("ttl_remaining") > 290);
        assertFalse(body.containsKey("empty_reason"));
    }

    @Test
    void guideCurlChecksForAnUnknownSessionGiveTheEmptyResponseAndSayWhy() {
        for (String path : List.of("api/sessions/test-session-123/messages/", "api/sessions/your-session-id/messages/",
                "api/sessions/test-session-123/messages")) {
            JsonResponse response = service.get(path);
            assertEquals(200, response.status(), path);
            JsonObject body = response.json();
            assertTrue(body.getBoolean("success"));
            assertEquals(0, body.getInt("count"));
            assertTrue(body.getJsonArray("messages").isEmpty());
            assertEquals("never_persisted", body.getString("empty_reason"));
        }
    }

    @Test
    void counterLivesInRedisAcrossReconnectsAndTrailingSlashWorks() {
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("one");
            assertEquals("Message #1: one", socket.nextJson(2).get(1).getString("content"));
        }
        try (ChatSocket socket = service.socket(session + "/", "redis_persistence=true")) {
            socket.send("two");
            List<JsonObject> frames = socket.nextJson(2);
            assertEquals("Message #2: two", frames.get(1).getString("content"));
            assertEquals(4, frames.get(1).getJsonNumber("seq").longValue());
        }
        JsonObject body = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(4, body.getInt("count"));
        assertEquals(4, body.getInt("last_seq"));

        JsonObject page = service.get("api/sessions/" + session + "/messages/?since=2&limit=1").json();
        assertEquals(1, page.getInt("count"));
        assertEquals("two", page.getJsonArray("messages").getJsonObject(0).getString("content"));
    }

    @Test
    void withoutPersistenceNothingIsStoredAndEachConnectionCountsOnItsOwn() {
        for (int round = 0; round < 2; round++) {
            try (ChatSocket socket = service.socket(session, null)) {
                socket.send("local");
                List<JsonObject> frames = socket.nextJson(2);
                assertFalse(frames.get(0).getBoolean("persisted"));
                assertEquals("Message #1: local", frames.get(1).getString("content"));
                assertFalse(frames.get(1).containsKey("seq"));
            }
        }
        try (ChatSocket socket = service.socket(session, "redis_persistence=false")) {
            socket.send("still local");
            assertFalse(socket.nextJson().getBoolean("persisted"));
        }
        JsonObject body = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(0, body.getInt("count"));
        assertEquals("never_persisted", body.getString("empty_reason"));
        assertEquals(List.of(), redisKeysOf(session));
    }

    @Test
    void withoutPersistenceNContinuesTheClientsCountAndAnInvalidNIsRefusedWithTheRule() {
        try (ChatSocket socket = service.socket(session, "n=41")) {
            JsonObject limits = socket.connectedFrame().getJsonObject("limits");
            // as this deployment is configured (CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND in the pom)
            assertEquals(1000, limits.getInt("messagesPerSecond"), "connected announces the send limits");
            assertEquals(1000, limits.getInt("messageBurst"));
            assertEquals(256, limits.getInt("maxPendingWrites"));
            assertEquals(65536, limits.getInt("maxMessageBytes"));
            socket.send("continued");
            assertEquals("Message #42: continued", socket.nextJson(2).get(1).getString("content"));
            socket.send("and on");
            assertEquals("Message #43: and on", socket.nextJson(2).get(1).getString("content"));
        }
        try (ChatSocket socket = service.socket(session, "redis_persistence=true&n=41")) {
            assertNotNull(socket.connectedFrame().getJsonObject("limits"));
            socket.send("the session's count");
            assertEquals("Message #1: the session's count", socket.nextJson(2).get(1).getString("content"),
                    "with persistence N is Redis', whatever n says");
        }
        for (String bad : List.of("-1", "9007199254740992", "1.5", "x")) {
            try (ChatSocket socket = service.socket(session, "n=" + bad)) {
                ChatSocket.Closed closed = socket.awaitClose(Duration.ofSeconds(10));
                assertEquals(1008, closed.code(), bad);
                assertEquals("n must be the last Message #N seen: a whole number from 0 to 9007199254740991",
                        closed.reason(), bad);
            }
        }
    }

    @Test
    void twoClientsOfOneSessionReceiveEveryMessageInSeqOrder() {
        try (ChatSocket alice = service.persistentSocket(session);
             ChatSocket bob = service.persistentSocket(session)) {
            for (int i = 0; i < 10; i++) {
                (i % 2 == 0 ? alice : bob).send("m" + i);
            }
            List<JsonObject> seenByAlice = alice.nextJson(20);
            List<JsonObject> seenByBob = bob.nextJson(20);
            List<Long> aliceSeqs = seqs(seenByAlice);
            assertEquals(aliceSeqs, seqs(seenByBob));
            assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), aliceSeqs);
            Set<String> contents = seenByAlice.stream().filter(f -> f.getBoolean("isSent"))
                    .map(f -> f.getString("content")).collect(Collectors.toSet());
            assertEquals(10, contents.size());
            assertFalse(alice.hasPendingFrames() || bob.hasPendingFrames(), "each message exactly once");
        }
    }

    @Test
    void jsonFramesWithClientIdAreIdempotent() {
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("{\"content\":\"pay once\",\"clientId\":\"c-42\"}");
            List<JsonObject> first = socket.nextJson(2);
            socket.send("{\"content\":\"pay once\",\"clientId\":\"c-42\"}");
            List<JsonObject> retry = socket.nextJson(2);
            assertEquals(seqs(first), seqs(retry));
            assertTrue(retry.get(0).getBoolean("duplicate"));
            assertEquals("c-42", retry.get(0).getString("clientId"));
            assertEquals("Message #1: pay once", retry.get(1).getString("content"));
        }
        assertEquals(2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    /** The attack of issue 9: an attacker sends first under the id the victim will use next. */
    @Test
    void anotherClientCannotSuppressAMessageByClaimingItsClientId() {
        String victimsQuery = "redis_persistence=true&author_secret=" + "victim-secret-0123456789abcdef";
        try (ChatSocket victim = service.socket(session, victimsQuery);
             ChatSocket attacker = service.persistentSocket(session)) {
            victim.send("{\"content\":\"first\",\"clientId\":\"page-1\"}");
            assertEquals("page-1", victim.nextJson(2).get(0).getString("clientId"), "the sender matches its own");
            List<JsonObject> seenByAttacker = attacker.nextJson(2);
            assertTrue(seenByAttacker.stream().noneMatch(frame -> frame.containsKey("clientId")),
                    "another member never learns a clientId: " + seenByAttacker);

            attacker.send("{\"content\":\"forged\",\"clientId\":\"page-2\"}");
            attacker.nextJson(2);
            List<JsonObject> forgedAtVictim = victim.nextJson(2);
            assertEquals("forged", forgedAtVictim.get(0).getString("content"));
            assertFalse(forgedAtVictim.get(0).containsKey("clientId"), forgedAtVictim.toString());

            victim.send("{\"content\":\"real\",\"clientId\":\"page-2\"}");
            List<JsonObject> own = victim.nextJson(2);
            assertEquals("real", own.get(0).getString("content"), own.toString());
            assertFalse(own.get(0).containsKey("duplicate"), "stored as a new message: " + own);
            assertEquals("page-2", own.get(0).getString("clientId"));
            assertEquals(List.of(5L, 6L), seqs(own));
            List<JsonObject> realAtAttacker = attacker.nextJson(2);
            assertEquals("real", realAtAttacker.get(0).getString("content"));
            assertTrue(realAtAttacker.stream().noneMatch(frame -> frame.containsKey("clientId")),
                    realAtAttacker.toString());
        }
        assertEquals(6, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    @Test
    void aClientIdRetriedAfterAReconnectIsStoredOnceAndReusedForOtherContentIsRefused() {
        String query = "redis_persistence=true&author_secret=" + "retrying-secret-0123456789abcdef";
        List<JsonObject> first;
        try (ChatSocket socket = service.socket(session, query)) {
            socket.send("{\"content\":\"pay once\",\"clientId\":\"r-1\"}");
            first = socket.nextJson(2);
        }
        try (ChatSocket again = service.socket(session, query)) {
            again.send("{\"content\":\"pay once\",\"clientId\":\"r-1\"}");
            List<JsonObject> retry = again.nextJson(2);
            assertEquals(seqs(first), seqs(retry));
            assertTrue(retry.get(0).getBoolean("duplicate"));

            again.send("{\"content\":\"pay twice\",\"clientId\":\"r-1\"}");
            JsonObject refused = again.nextJson();
            assertEquals("error", refused.getString("type"), refused.toString());
            assertEquals("client_id_reused", refused.getString("code"));
            assertEquals("r-1", refused.getString("clientId"));
            assertEquals(null, again.nextFrame(Duration.ofMillis(300)), "nothing reported as stored");
        }
        assertEquals(2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
        try (ChatSocket guessable = service.socket(session, "redis_persistence=true&author_secret=short")) {
            assertEquals(1008, guessable.awaitClose(Duration.ofSeconds(10)).code(), "a secret too short to be one");
        }
    }

    @Test
    void malformedAndInvalidFramesGetErrorFramesAndTheSocketStaysOpen() {
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("{\"content\": ");
            JsonObject malformed = socket.nextJson();
            assertEquals("error", malformed.getString("type"));
            assertEquals("malformed_json", malformed.getString("code"));

            socket.send("{\"content\": 42}");
            assertEquals("invalid_message", socket.nextJson().getString("code"));
            socket.send("{\"content\": \"x\", \"clientId\": \"has spaces\"}");
            assertEquals("invalid_message", socket.nextJson().getString("code"));
            socket.send("{\"content\": \"\"}");
            assertEquals("empty_message", socket.nextJson().getString("code"));
            // a token-holding client against a server without access control: told so, not taken for a message
            socket.send("{\"type\": \"auth\", \"token\": \"a.b.c\"}");
            JsonObject auth = socket.nextJson();
            assertEquals("invalid_message", auth.getString("code"));
            assertEquals("access control is off: no token is needed", auth.getString("message"));

            socket.send("<script>alert(1)</script> still fine");
            List<JsonObject> frames = socket.nextJson(2);
            assertEquals("Message #1: <script>alert(1)</script> still fine", frames.get(1).getString("content"));
            assertTrue(socket.isOpen());
        }
    }

    @Test
    void invalidSessionIdsAreRefusedOnBothApis() {
        for (String bad : List.of("has%20space", "a*b", "%7Bx%7D", "x".repeat(129))) {
            JsonResponse response = service.get("api/sessions/" + bad + "/messages/");
            assertEquals(400, response.status(), bad);
            assertFalse(response.json().getBoolean("success"));
            assertTrue(response.json().getString("error").startsWith("invalid session id"), response.body());

            try (ChatSocket socket = service.socket(bad, "redis_persistence=true")) {
                ChatSocket.Closed closed = socket.awaitClose(Duration.ofSeconds(10));
                assertEquals(1008, closed.code(), bad);
                assertTrue(closed.reason().startsWith("invalid session id"), closed.reason());
            }
        }
        assertEquals(200, service.get("api/sessions/" + "x".repeat(128) + "/messages/").status());
        try (ChatSocket socket = service.socket(session, "redis_persistence=maybe")) {
            assertEquals(1008, socket.awaitClose(Duration.ofSeconds(10)).code());
        }
    }

    @Test
    void badQueryParametersAndUnknownPathsAnswerJsonErrors() {
        JsonResponse limit = service.get("api/sessions/" + session + "/messages/?limit=abc");
        assertEquals(400, limit.status());
        assertTrue(limit.json().getString("error").startsWith("limit must be"), limit.body());
        assertEquals(400, service.get("api/sessions/" + session + "/messages/?limit=0").status());
        assertEquals(400, service.get("api/sessions/" + session + "/messages/?since=1&before=3").status());
        JsonResponse missing = service.get("api/nothing-here");
        assertEquals(404, missing.status());
        assertFalse(missing.json().getBoolean("success"));
    }

    @Test
    void aHistoryLargerThanOneResponseIsPagedWithinTheBudgetOnceInBothDirections() {
        // 80 entries of 60 KiB (about 4.8 MB): more than the default budget of 4 MiB. Two sockets, as one may send
        // only 20 messages at once (chat.connection.max-messages-per-second)
        String large = "z".repeat(60 * 1024);
        for (int socketNumber = 0; socketNumber < 2; socketNumber++) {
            try (ChatSocket socket = service.persistentSocket(session)) {
                for (int i = 0; i < 20; i++) {
                    socket.send(large);
                    assertTrue(socket.nextJson(2).get(1).getBoolean("persisted"));
                }
            }
        }
        String messages = "api/sessions/" + session + "/messages/";

        var backward = new java.util.ArrayList<Long>();
        JsonObject page = boundedPage(messages);
        assertEquals(80, page.getInt("last_seq"));
        assertEquals(80L, pageSeqs(page).get(page.getInt("count") - 1), "without a cursor: the newest window");
        int pages = 1;
        backward.addAll(0, pageSeqs(page));
        while (page.getBoolean("has_more")) {
            assertFalse(page.containsKey("next_since"), "paging backward: one cursor");
            page = boundedPage(messages + "?before=" + page.getJsonNumber("next_before").longValue());
            backward.addAll(0, pageSeqs(page));
            pages++;
        }
        assertFalse(page.containsKey("next_before"), "the last page has no cursor");
        assertTrue(pages >= 2, "more than 4 MiB needs more than one page");
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 80).boxed().toList(), backward);

        var forward = new java.util.ArrayList<Long>();
        page = boundedPage(messages + "?since=0");
        forward.addAll(pageSeqs(page));
        while (page.getBoolean("has_more")) {
            assertFalse(page.containsKey("next_before"), "paging forward: one cursor");
            page = boundedPage(messages + "?since=" + page.getJsonNumber("next_since").longValue());
            forward.addAll(pageSeqs(page));
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 80).boxed().toList(), forward);
    }

    /** A 200 answer that holds at most chat.history.max-response-bytes (its default, 4 MiB). */
    JsonObject boundedPage(String path) {
        JsonResponse response = service.get(path, Duration.ofSeconds(30));
        assertEquals(200, response.status(), response.body().length() > 500 ? path : response.body());
        int bytes = response.body().getBytes(java.nio.charset.StandardCharsets.UTF_8).length;
        assertTrue(bytes <= 4 * 1024 * 1024, path + " answered " + bytes + " bytes");
        JsonObject page = response.json();
        assertTrue(page.getBoolean("success"));
        assertEquals(page.getJsonArray("messages").size(), page.getInt("count"));
        assertTrue(page.getInt("count") > 0, path);
        return page;
    }

    static List<Long> pageSeqs(JsonObject page) {
        return seqs(page.getJsonArray("messages").getValuesAs(JsonObject.class));
    }

    @Test
    void cursorsAndLimitsBeyondTheirRangesAre400() {
        for (String query : List.of("since=9007199254740992", "since=9223372036854775807", "since=-1",
                "before=9007199254740992", "before=0", "limit=10001", "limit=-1", "since=1e3")) {
            JsonResponse response = service.get("api/sessions/" + session + "/messages/?" + query);
            assertEquals(400, response.status(), query + ": " + response.body());
            assertFalse(response.json().getBoolean("success"));
            String parameter = query.substring(0, query.indexOf('='));
            assertTrue(response.json().getString("error").startsWith(parameter + " must be"), response.body());
        }
        JsonResponse largest = service.get("api/sessions/" + session + "/messages/?since=9007199254740991");
        assertEquals(200, largest.status(), largest.body());
        assertFalse(largest.json().getBoolean("has_more"));
    }

    @Test
    void oversizeMessagesCloseWith1009AndNothingIsStored() {
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("y".repeat(64 * 1024));
            assertEquals("Message #1: " + "y".repeat(64 * 1024), socket.nextJson(2).get(1).getString("content"));
            socket.send("x".repeat(64 * 1024 + 1));
            assertEquals(1009, socket.awaitClose(Duration.ofSeconds(10)).code());
        }
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("é".repeat(40 * 1024));
            assertEquals(1009, socket.awaitClose(Duration.ofSeconds(10)).code(), "the limit counts UTF-8 bytes");
        }
        assertEquals(2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }

    @Test
    void redisStoppedMidSessionIsReportedAndTheServiceRecoversByItself() throws Exception {
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("before");
            String epochBefore = socket.nextJson(2).get(0).getString("epoch");

            redis.kill();
            socket.send("during");
            List<JsonObject> frames = socket.nextJson(3);
            assertFalse(frames.get(0).getBoolean("persisted"));
            assertEquals("Message #2: during", frames.get(1).getString("content"));
            assertFalse(frames.get(1).getBoolean("persisted"));
            assertEquals("redis_unavailable", frames.get(2).getString("code"));
            assertTrue(socket.isOpen());

            long started = System.nanoTime();
            JsonObject status = service.get("api/redis/status/").json();
            assertTrue(System.nanoTime() - started < Duration.ofSeconds(3).toNanos(), "status answers at once");
            assertFalse(status.getBoolean("redis_connected"));
            assertTrue(status.containsKey("error"));
            JsonResponse history = service.get("api/sessions/" + session + "/messages/");
            assertEquals(503, history.status());
            assertFalse(history.json().getBoolean("success"));

            redis.launch();
            JsonObject stored = Await.value(() -> socket.sendOnce("after"), Duration.ofSeconds(10),
                    Duration.ofMillis(200), "storing resumed without a restart");
            assertNotEquals(epochBefore, stored.getString("epoch"), "Redis came back empty: a new epoch");
            assertTrue(service.get("api/redis/status/").json().getBoolean("redis_connected"));
            assertEquals(2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
        } finally {
            if (!redis.isRunning()) {
                redis.launch();
            }
        }
    }

    @Test
    void guidePathsAndWebSocketWorkThroughTheRepositorysNginxConfig() {
        try (NginxProcess nginx = NginxProcess.start(List.of("127.0.0.1:" + deploymentUrl.getPort()))) {
            var proxied = ServiceClient.at(java.net.URI.create("http://127.0.0.1:" + nginx.port() + "/chat/"));
            JsonObject status = proxied.get("api/redis/status/").json();
            assertTrue(status.getBoolean("redis_connected"), status.toString());
            try (ChatSocket socket = proxied.persistentSocket(session)) {
                socket.send("through nginx");
                assertEquals("Message #1: through nginx", socket.nextJson(2).get(1).getString("content"));
            }
            JsonObject body = proxied.get("api/sessions/" + session + "/messages/").json();
            assertEquals(2, body.getInt("count"));
            assertEquals("never_persisted",
                    proxied.get("api/sessions/test-session-123/messages/").json().getString("empty_reason"));
        }
    }

    List<String> redisKeysOf(String sessionId) {
        String reply = redis.command("KEYS", "*" + sessionId + "*");
        return reply.startsWith("*0") ? List.of() : List.of(reply);
    }

    static List<Long> seqs(List<JsonObject> frames) {
        return frames.stream().map(f -> f.getJsonNumber("seq").longValue()).toList();
    }

}
