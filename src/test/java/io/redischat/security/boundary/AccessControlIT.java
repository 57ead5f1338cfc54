package io.redischat.security.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocketHandshakeException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletionException;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.support.ui.Select;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.ChromeBrowser;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.TestTokens;

/**
 * {@code chat.auth.mode=jwt} end to end, with keys the test makes itself: the verification key is a JWK Set in a
 * file named by {@code mp.jwt.verify.publickey.location}, as a deployer would configure any MicroProfile service.
 * REST needs a bearer token; a socket brings its token in the handshake or in its first frame; the token's subject
 * is the author and {@code from} of its messages; {@code chat_sessions} limits the sessions; an expiring token
 * closes its socket.
 */
class AccessControlIT {

    static final String ISSUER = "https://issuer.test";
    static final long FRAME_TIMEOUT_MS = 1500;
    static final TestTokens KEYS = TestTokens.rsa("test-key");
    static final TestTokens STRANGER = TestTokens.rsa("test-key");
    static final HttpClient HTTP = HttpClient.newHttpClient();
    static RedisServerProcess redis;
    static final String ADMIN_TOKEN = "admin-" + Long.toHexString(System.nanoTime());
    static PayaraMicroProcess app;
    static ServiceClient service;
    static Path keyFile;

    @BeforeAll
    static void start() throws Exception {
        keyFile = Files.createTempFile("redis-chat-jwks-", ".json");
        Files.writeString(keyFile, "{\"keys\":[" + KEYS.publicJwk() + "]}");
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of(
                "CHANNEL_REDIS_URL", redis.url(),
                "CHAT_AUTH_MODE", "jwt",
                "CHAT_AUTH_FRAME_TIMEOUT_MS", Long.toString(FRAME_TIMEOUT_MS),
                "MP_JWT_VERIFY_PUBLICKEY_LOCATION", keyFile.toString(),
                "MP_JWT_VERIFY_ISSUER", ISSUER,
                "MP_JWT_VERIFY_CLOCK_SKEW", "0",
                "CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND", "1000",
                "CHAT_ADMIN_TOKEN", ADMIN_TOKEN));
        service = app.client();
    }

    @AfterAll
    static void stop() throws Exception {
        app.close();
        redis.close();
        Files.deleteIfExists(keyFile);
    }

    static String token(String subject, long validSeconds, Object... claims) {
        Object[] all = new Object[claims.length + 2];
        all[0] = "iss";
        all[1] = ISSUER;
        System.arraycopy(claims, 0, all, 2, claims.length);
        return KEYS.forSubject(subject, validSeconds, all);
    }

    static HttpResponse<String> get(String path, String authorization) throws Exception {
        var request = HttpRequest.newBuilder(service.base().resolve(path)).timeout(Duration.ofSeconds(10));
        if (authorization != null) {
            request.header("Authorization", authorization);
        }
        return HTTP.send(request.GET().build(), HttpResponse.BodyHandlers.ofString());
    }

    static ChatSocket withHeaderToken(String session, String token) {
        return ChatSocket.connect(service.webSocketUri(session, "redis_persistence=true"),
                Map.of("Authorization", "Bearer " + token)).awaitConnected();
    }

    /** A socket without a handshake token: reads auth_required, sends the token frame, waits for connected. */
    static ChatSocket withFrameToken(String session, String token) {
        ChatSocket socket = ChatSocket.connect(service.webSocketUri(session, "redis_persistence=true"));
        JsonObject asked = socket.nextJson();
        assertEquals("auth_required", asked.getString("type"));
        assertEquals(FRAME_TIMEOUT_MS, asked.getJsonNumber("timeoutMs").longValue());
        socket.send("{\"type\":\"auth\",\"token\":\"" + token + "\"}");
        return socket.awaitConnected();
    }

    @Test
    void theAdminApiTakesItsTokenOrAJwtInTheChatAdminGroupAndNoOtherJwt() throws Exception {
        String path = "api/admin/sessions?limit=5";
        assertEquals(200, get(path, "Bearer " + ADMIN_TOKEN).statusCode(), "the admin token");
        HttpResponse<String> admin = get(path, "Bearer " + token("ops-alice", 60, "groups", List.of("chat-admin")));
        assertEquals(200, admin.statusCode(), admin.body());
        assertTrue(ChatSocket.json(admin.body()).getBoolean("success"));
        assertEquals(401, get(path, "Bearer " + token("bob", 60, "groups", List.of("chat-user"))).statusCode(),
                "a genuine JWT without the group");
        assertEquals(401, get(path, "Bearer " + token("bob", 60)).statusCode(), "a genuine JWT without groups");
        assertEquals(401, get(path, "Bearer " + token("ops-alice", -5, "groups", List.of("chat-admin")))
                .statusCode(), "an expired one in the group");
        assertEquals(401, get(path, "Bearer " + STRANGER.forSubject("ops-alice", 60, "iss", ISSUER, "groups",
                List.of("chat-admin"))).statusCode(), "one signed by another key");
        Await.until(() -> app.log().contains("admin audit actor=jwt:ops-alice action="), Duration.ofSeconds(5),
                "the audit line names the JWT's subject");
    }

    @Test
    void restNeedsAGenuineUnexpiredBearerToken() throws Exception {
        String path = "api/sessions/rest-" + System.nanoTime() + "/messages/";
        HttpResponse<String> none = get(path, null);
        assertEquals(401, none.statusCode());
        assertTrue(none.headers().firstValue("WWW-Authenticate").orElse("").startsWith("Bearer realm=\"redis-chat\""));
        assertEquals("authentication required: send Authorization: Bearer <token>",
                ChatSocket.json(none.body()).getString("error"));
        assertFalse(ChatSocket.json(none.body()).getBoolean("success"));

        assertEquals("token signature is not valid", ChatSocket.json(get(path, "Bearer "
                + STRANGER.forSubject("alice", 60, "iss", ISSUER)).body()).getString("error"));
        assertEquals("token expired", ChatSocket.json(get(path, "Bearer " + token("alice", -5)).body())
                .getString("error"));
        assertEquals("token issuer is not accepted", ChatSocket.json(get(path, "Bearer "
                + KEYS.forSubject("alice", 60, "iss", "https://other.test")).body()).getString("error"));
        assertEquals(401, get(path, "Basic YWxpY2U6cGFzcw==").statusCode());

        HttpResponse<String> allowed = get(path, "Bearer " + token("alice", 60));
        assertEquals(200, allowed.statusCode(), allowed.body());
        JsonObject envelope = ChatSocket.json(allowed.body());
        assertTrue(envelope.getBoolean("success"));
        assertEquals(0, envelope.getJsonArray("messages").size());

        // the status stays open to probes and ops consoles
        assertEquals(200, get("api/redis/status/", null).statusCode());
    }

    @Test
    void chatSessionsLimitsWhichSessionsATokenMayUse() throws Exception {
        String team = token("carol", 60, "chat_sessions", List.of("team-*", "lobby"));
        assertEquals(200, get("api/sessions/team-7/messages/", "Bearer " + team).statusCode());
        assertEquals(200, get("api/sessions/lobby/messages/", "Bearer " + team).statusCode());
        HttpResponse<String> other = get("api/sessions/secret-7/messages/", "Bearer " + team);
        assertEquals(403, other.statusCode());
        assertEquals("this token does not allow this session", ChatSocket.json(other.body()).getString("error"));

        var refused = assertThrows(CompletionException.class, () -> withHeaderToken("secret-7", team));
        assertEquals(403, assertInstanceOf(WebSocketHandshakeException.class, refused.getCause())
                .getResponse().statusCode());

        ChatSocket byFrame = ChatSocket.connect(service.webSocketUri("secret-7", "redis_persistence=true"));
        assertEquals("auth_required", byFrame.nextJson().getString("type"));
        byFrame.send("{\"type\":\"auth\",\"token\":\"" + team + "\"}");
        ChatSocket.Closed closed = byFrame.awaitClose(Duration.ofSeconds(5));
        assertEquals(1008, closed.code());
        assertEquals("this token does not allow this session", closed.reason());

        try (ChatSocket inTeam = withHeaderToken("team-" + System.nanoTime(), team)) {
            assertEquals("carol", inTeam.connectedFrame().getString("subject"));
        }
    }

    @Test
    void theSubjectIsTheAuthorOnEverySocketAndDevice() throws Exception {
        String session = "authors-" + System.nanoTime();
        try (ChatSocket alicePhone = withHeaderToken(session, token("alice", 60));
             ChatSocket aliceLaptop = withFrameToken(session, token("alice", 60));
             ChatSocket bob = withFrameToken(session, token("bob", 60))) {
            assertEquals("alice", alicePhone.connectedFrame().getString("subject"));
            assertEquals("bob", bob.connectedFrame().getString("subject"));

            alicePhone.send("{\"content\":\"hello from alice\",\"clientId\":\"m-1\"}");
            JsonObject sent = alicePhone.nextJson();
            assertEquals("alice", sent.getString("from"));
            assertEquals("m-1", sent.getString("clientId"));
            alicePhone.nextJson();
            JsonObject seenByBob = bob.nextJson();
            assertEquals("alice", seenByBob.getString("from"));
            assertNull(seenByBob.get("clientId"), "a clientId goes back to its author only");
            bob.nextJson();
            JsonObject seenByLaptop = aliceLaptop.nextJson();
            assertEquals("m-1", seenByLaptop.getString("clientId"), "the same subject is the same author");
            aliceLaptop.nextJson();

            // a retry from alice's other device is the same message, not a second one
            aliceLaptop.send("{\"content\":\"hello from alice\",\"clientId\":\"m-1\"}");
            JsonObject retried = aliceLaptop.nextJson();
            assertTrue(retried.getBoolean("duplicate"));
            assertEquals(sent.getInt("seq"), retried.getInt("seq"));
        }
        JsonObject history = ChatSocket.json(get("api/sessions/" + session + "/messages/",
                "Bearer " + token("bob", 60)).body());
        assertEquals(2, history.getJsonArray("messages").size());
        assertEquals("alice", history.getJsonArray("messages").getJsonObject(0).getString("from"));
        String log = app.log();
        assertTrue(log.contains("subject=alice"), "log lines of a connection name its subject");
        assertFalse(log.contains(token("alice", 60).split("\\.")[1]), "tokens are never logged");
    }

    @Test
    void aSocketWithoutAValidTokenInTimeIsClosedWith1008() {
        ChatSocket silent = ChatSocket.connect(service.webSocketUri("silent-" + System.nanoTime(), null));
        assertEquals("auth_required", silent.nextJson().getString("type"));
        ChatSocket.Closed timedOut = silent.awaitClose(Duration.ofMillis(FRAME_TIMEOUT_MS + 5000));
        assertEquals(1008, timedOut.code());
        assertTrue(timedOut.reason().startsWith("authentication required"), timedOut.reason());

        ChatSocket chatty = ChatSocket.connect(service.webSocketUri("chatty-" + System.nanoTime(), null));
        chatty.send("hello before any token");
        assertEquals(1008, chatty.awaitClose(Duration.ofSeconds(5)).code());

        ChatSocket forged = ChatSocket.connect(service.webSocketUri("forged-" + System.nanoTime(), null));
        forged.send("{\"type\":\"auth\",\"token\":\"" + STRANGER.forSubject("alice", 60, "iss", ISSUER) + "\"}");
        ChatSocket.Closed refused = forged.awaitClose(Duration.ofSeconds(5));
        assertEquals(1008, refused.code());
        assertEquals("token signature is not valid", refused.reason());

        var badHeader = assertThrows(CompletionException.class,
                () -> withHeaderToken("header-" + System.nanoTime(), token("alice", -1)));
        assertEquals(401, assertInstanceOf(WebSocketHandshakeException.class, badHeader.getCause())
                .getResponse().statusCode());
    }

    @Test
    void aClientThatSendsRightAfterItsTokenIsAnsweredInOrder() {
        ChatSocket socket = ChatSocket.connect(service.webSocketUri("eager-" + System.nanoTime(),
                "redis_persistence=true"));
        socket.send("{\"type\":\"auth\",\"token\":\"" + token("dave", 60) + "\"}");
        socket.send("first");
        socket.send("second");
        assertEquals("auth_required", socket.nextJson().getString("type"));
        assertEquals("connected", socket.nextJson().getString("type"));
        List<JsonObject> answers = socket.nextJson(4);
        assertEquals("first", answers.get(0).getString("content"));
        assertEquals("Message #1: first", answers.get(1).getString("content"));
        assertEquals("second", answers.get(2).getString("content"));
        assertEquals("Message #2: second", answers.get(3).getString("content"));
        socket.close();
    }

    @Test
    void anExpiringTokenClosesItsSocketUnlessTheSameSubjectRenewsIt() {
        try (ChatSocket shortLived = withHeaderToken("expiry-" + System.nanoTime(), token("erin", 2))) {
            ChatSocket.Closed closed = shortLived.awaitClose(Duration.ofSeconds(8));
            assertEquals(1008, closed.code());
            assertTrue(closed.reason().startsWith("token expired"), closed.reason());
        }
        try (ChatSocket renewed = withFrameToken("renewed-" + System.nanoTime(), token("erin", 2))) {
            renewed.send("{\"type\":\"auth\",\"token\":\"" + token("erin", 60) + "\"}");
            Await.pause(3500);
            assertTrue(renewed.isOpen(), "a renewed token keeps the socket open");
            renewed.send("still here");
            assertEquals("still here", renewed.nextJson().getString("content"));
            renewed.nextJson();

            renewed.send("{\"type\":\"auth\",\"token\":\"" + token("mallory", 60) + "\"}");
            ChatSocket.Closed switched = renewed.awaitClose(Duration.ofSeconds(5));
            assertEquals(1008, switched.code());
        }
    }

    @Test
    void theUiAsksForATokenWhenTheServerWantsOneAndJoinsWithIt() {
        try (ChromeBrowser browser = ChromeBrowser.start()) {
            ChromeDriver driver = browser.driver();
            var wait = browser.waitUpTo(Duration.ofSeconds(15));
            driver.get(service.base().toString());
            wait.until(d -> "up".equals(d.findElement(By.id("redis-status")).getAttribute("data-state")));
            assertFalse(driver.findElement(By.id("access-panel")).isDisplayed(), "no token field until one is asked");
            new Select(driver.findElement(By.id("persistence"))).selectByVisibleText("Redis");
            driver.findElement(By.id("session-id")).sendKeys("ui-auth-" + System.nanoTime(), Keys.ENTER);

            wait.until(d -> d.findElement(By.id("access-panel")).isDisplayed());
            // the server closes the socket that brought no token in time, and the chat says why
            wait.until(d -> d.findElement(By.id("chat-notice")).getText().startsWith("Access token needed"));
            WebElement input = driver.findElement(By.id("access-token"));
            input.sendKeys("my password", Keys.ENTER);
            wait.until(d -> d.findElement(By.id("access-error")).getText().contains("not a token"));

            String token = token("frank", 120);
            input.clear();
            input.sendKeys(token, Keys.ENTER);
            driver.findElement(By.id("message-input")).sendKeys("hello with a token", Keys.ENTER);
            wait.until(d -> d.findElement(By.id("messages")).getText().contains("Message #1: hello with a token"));
            browser.screenshot("access-token-joined");
            assertEquals(token, driver.executeScript("return sessionStorage.getItem('redis-chat.access-token')"));
            assertFalse(String.valueOf(driver.executeScript("return JSON.stringify(localStorage)")).contains(token),
                    "a credential is kept in the tab only");
            assertEquals(List.of(), browser.pageProblems());
        }
    }
}
