package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ThreadLocalRandom;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * Connection slots under clients that misbehave: handshakes aborted before the reply, sockets that never answer a
 * ping, one address opening too many. Every admitted connection is released once, whatever closes it, and no
 * client can take the slots of the others. The instance trusts loopback as a proxy, so {@code X-Forwarded-For}
 * gives each test client the address the test wants.
 */
class ConnectionSlotsIT {

    static final int PER_SESSION = 8;
    static final int PER_INSTANCE = 60;
    static final int PER_ADDRESS = 5;
    static final int HISTORY_BYTES = 4 * 1024 * 1024;
    static RedisServerProcess redis;
    static PayaraMicroProcess app;
    static ServiceClient service;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of(
                "CHANNEL_REDIS_URL", redis.url(),
                "CHAT_SESSION_MAX_CONNECTIONS", Integer.toString(PER_SESSION),
                "CHAT_MAX_CONNECTIONS", Integer.toString(PER_INSTANCE),
                "CHAT_CLIENT_MAX_CONNECTIONS", Integer.toString(PER_ADDRESS),
                "CHAT_CLIENT_MAX_HANDSHAKES_PER_SECOND", "10",
                "CHAT_NETWORK_TRUSTED_PROXIES", "127.0.0.1,::1",
                "CHAT_WEBSOCKET_PING_INTERVAL_MS", "500",
                "CHAT_WEBSOCKET_PONG_TIMEOUT_MS", "1000",
                "CHAT_CLIENT_MAX_NEW_SESSIONS_PER_MINUTE", "3",
                "CHAT_HISTORY_MAX_BYTES", Integer.toString(HISTORY_BYTES)));
        service = app.client();
    }

    @AfterAll
    static void stop() {
        app.close();
        redis.close();
    }

    /**
     * Three floods: a close callback racing a send on an aborted socket once deadlocked a feed thread (1 flood in 14
     * on a local instance), and every later client of the session waited for {@code connected}.
     */
    @Test
    void handshakesAbortedBeforeTheReplyLockNeitherTheSessionNorTheInstance() throws Exception {
        for (int flood = 0; flood < 3; flood++) {
            String session = "aborted-" + flood + "-" + System.nanoTime();
            abortHandshakes(session, 100);
            abortHandshakes(null, 3 * PER_INSTANCE);
            // the slots of aborted handshakes come back by themselves: a legitimate client gets in
            JsonObject connected = Await.value(() -> connectOrNull(session), Duration.ofSeconds(15),
                    "a client admitted after flood " + flood);
            assertEquals("connected", connected.getString("type"));
            Await.until(() -> openConnections() <= 1, Duration.ofSeconds(15), "every aborted slot released");
        }
    }

    @Test
    void aSocketThatNeverAnswersPingsIsClosedAndItsSlotReleased() throws Exception {
        String session = "silent-" + System.nanoTime();
        int before = openConnections();
        try (Socket silent = handshake(session, "10.1.0.1")) {
            InputStream in = silent.getInputStream();
            Await.until(() -> openConnections() == before + 1, Duration.ofSeconds(5), "the silent socket admitted");
            // it reads nothing and answers no ping: the server gives up on it
            Await.until(() -> openConnections() == before, Duration.ofSeconds(10), "the silent socket released");
            assertTrue(in.available() >= 0);
        }
        // Tyrus' per-frame idle timer is off the message path, and the watch's pings still find the silent socket
        assertTrue(app.log().contains("the per-frame idle timer is off the message path"), "the bypass is in place");
        try (ChatSocket polite = ChatSocket.connect(service.webSocketUri(session, "redis_persistence=true"))
                .awaitConnected()) {
            Await.pause(2500); // several ping periods: a client that answers pings stays
            assertTrue(polite.isOpen());
            polite.send("still here");
            assertEquals("still here", polite.nextJson().getString("content"));
        }
    }

    @Test
    void oneAddressCannotTakeMoreThanItsShareOfConnectionsOrHandshakes() throws Exception {
        int tooMany;
        String address = "10.2.0." + ThreadLocalRandom.current().nextInt(1, 250);
        var held = new ArrayList<ChatSocket>();
        try {
            for (int i = 0; i < PER_ADDRESS; i++) {
                held.add(ChatSocket.connect(service.webSocketUri("share-" + i + "-" + System.nanoTime(), null),
                        Map.of("X-Forwarded-For", address)).awaitConnected());
            }
            ChatSocket refused = ChatSocket.connect(service.webSocketUri("share-x-" + System.nanoTime(), null),
                    Map.of("X-Forwarded-For", address)).awaitConnected();
            assertEquals(1013, refused.awaitClose(Duration.ofSeconds(5)).code());
            try (ChatSocket other = ChatSocket.connect(service.webSocketUri("share-y-" + System.nanoTime(), null),
                    Map.of("X-Forwarded-For", "10.3.0.1")).awaitConnected()) {
                assertNotNull(other.connectedFrame(), "another address is not affected");
            }
        } finally {
            held.forEach(ChatSocket::close);
        }

        String hasty = "10.4.0." + ThreadLocalRandom.current().nextInt(1, 250);
        var pool = java.util.concurrent.Executors.newFixedThreadPool(40);
        try {
            var statuses = new ArrayList<java.util.concurrent.Future<Integer>>();
            for (int i = 0; i < 40; i++) {
                String session = "hasty-" + i;
                statuses.add(pool.submit(() -> handshakeStatus(session, hasty)));
            }
            int refused = 0;
            for (var status : statuses) {
                refused += status.get() == 429 ? 1 : 0;
            }
            tooMany = refused;
        } finally {
            pool.shutdownNow();
        }
        assertTrue(tooMany >= 10, tooMany + " of 40 handshakes in a burst refused with 429");
    }

    @Test
    void oneAddressStartsOnlyItsShareOfNewSessionsButKeepsWritingToItsOwn() {
        String address = "10.6.0." + ThreadLocalRandom.current().nextInt(1, 250);
        String prefix = "fresh-" + System.nanoTime() + "-";
        for (int i = 1; i <= 3; i++) {
            try (ChatSocket socket = ChatSocket.connect(service.webSocketUri(prefix + i, "redis_persistence=true"),
                    Map.of("X-Forwarded-For", address)).awaitConnected()) {
                socket.send("hello " + i);
                assertTrue(socket.nextJson().getBoolean("persisted"), "session " + i + " started");
            }
        }
        try (ChatSocket socket = ChatSocket.connect(service.webSocketUri(prefix + 4, "redis_persistence=true"),
                Map.of("X-Forwarded-For", address)).awaitConnected()) {
            socket.send("one too many");
            List<JsonObject> answer = socket.nextJson(3);
            assertEquals(false, answer.get(0).getBoolean("persisted"), "answered, not stored");
            assertEquals("session_refused", answer.get(2).getString("code"), answer::toString);
        }
        try (ChatSocket socket = ChatSocket.connect(service.webSocketUri(prefix + 1, "redis_persistence=true"),
                Map.of("X-Forwarded-For", address)).awaitConnected()) {
            socket.send("again");
            assertTrue(socket.nextJson().getBoolean("persisted"), "a session it started goes on");
        }
        assertEquals(0, service.get("api/sessions/" + prefix + 4 + "/messages/").json().getInt("count"));
    }

    @Test
    void oneConnectionWritingWithoutPauseGrowsRedisOnlyUpToTheSessionsCap() {
        long before = usedMemory();
        String big = "m".repeat(60 * 1024);
        int messages = 200; // 200 messages and their replies: about 24 MB of text sent
        try (ChatSocket writer = ChatSocket.connect(service.webSocketUri("grow-" + System.nanoTime(),
                "redis_persistence=true"), Map.of("X-Forwarded-For", "10.8.0.1")).awaitConnected()) {
            for (int i = 0; i < messages; i++) {
                writer.send(i + big);
                assertTrue(writer.nextJson(2).get(1).getBoolean("persisted"), "message " + i + " stored");
            }
        }
        long grown = usedMemory() - before;
        System.out.println("Redis grew by " + grown / 1024 + " KiB for " + 2 * messages * 60 + " KiB sent");
        assertTrue(grown < 2L * HISTORY_BYTES, "grew by " + grown + " bytes: the session keeps at most "
                + HISTORY_BYTES + " bytes of text");
    }

    static long usedMemory() {
        for (String line : redis.command("INFO", "memory").split("\r?\n")) {
            if (line.startsWith("used_memory:")) {
                return Long.parseLong(line.substring("used_memory:".length()).trim());
            }
        }
        throw new IllegalStateException("no used_memory in INFO");
    }

    @Test
    void readinessSaysWhenTheInstanceIsFull() throws Exception {
        assertEquals(200, service.get("/health/ready").status());
        // clients that answer the watch's pings: silent raw sockets were closed (1 s pong timeout here) before a
        // loaded machine had opened the 60th
        Await.until(() -> openConnections() == 0, Duration.ofSeconds(15), "the sockets of earlier tests released");
        var held = new ArrayList<ChatSocket>();
        try {
            for (int i = 0; held.size() < PER_INSTANCE && i < 2 * PER_INSTANCE; i++) {
                ChatSocket socket = ChatSocket.connect(service.webSocketUri("full-" + (i % 7) + "-" + System.nanoTime(),
                        "redis_persistence=true"), Map.of("X-Forwarded-For", "10.5." + i / 200 + "." + i % 200))
                        .awaitConnected();
                if (socket.connectedFrame() != null) {
                    held.add(socket);
                } else {
                    socket.close();
                }
            }
            assertEquals(PER_INSTANCE, held.size(), "sockets admitted");
            Await.until(() -> service.get("/health/ready").status() == 503, Duration.ofSeconds(10),
                    "readiness down while full");
            JsonObject health = service.get("/health/ready").json();
            assertTrue(health.toString().contains("connections"), health::toString);
        } finally {
            held.forEach(ChatSocket::close);
        }
        Await.until(() -> service.get("/health/ready").status() == 200, Duration.ofSeconds(15), "ready again");
    }

    // --------------------------------------------------------------------------------------------- helpers

    /** Sends upgrade requests and closes each TCP connection at once, before the server's reply. */
    static void abortHandshakes(String session, int count) throws IOException {
        for (int i = 0; i < count; i++) {
            String address = "10.9." + i / 200 + "." + i % 200;
            try (Socket socket = new Socket()) {
                socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 2000);
                socket.getOutputStream().write(upgradeRequest(session == null ? "flood-" + i : session, address));
            }
        }
    }

    /** A completed handshake on a raw socket that then does nothing at all. */
    static Socket handshake(String session, String address) throws IOException {
        var socket = new Socket();
        socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 2000);
        socket.setSoTimeout(5000);
        OutputStream out = socket.getOutputStream();
        out.write(upgradeRequest(session, address));
        out.flush();
        String status = statusLine(socket.getInputStream());
        if (!status.contains(" 101 ")) {
            socket.close();
            throw new IOException("handshake refused: " + status);
        }
        return socket;
    }

    static int handshakeStatus(String session, String address) throws IOException {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", app.port()), 2000);
            socket.setSoTimeout(5000);
            socket.getOutputStream().write(upgradeRequest(session, address));
            return Integer.parseInt(statusLine(socket.getInputStream()).split(" ")[1]);
        }
    }

    static byte[] upgradeRequest(String session, String address) {
        byte[] key = new byte[16];
        ThreadLocalRandom.current().nextBytes(key);
        return ("GET /chat/ws/" + session + "?redis_persistence=true HTTP/1.1\r\n"
                + "Host: 127.0.0.1:" + app.port() + "\r\n"
                + "Upgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Key: " + Base64.getEncoder().encodeToString(key) + "\r\n"
                + "Sec-WebSocket-Version: 13\r\n"
                + "X-Forwarded-For: " + address + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII);
    }

    static String statusLine(InputStream in) throws IOException {
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) >= 0 && c != '\n') {
            line.append((char) c);
        }
        return line.toString().trim();
    }

    static JsonObject connectOrNull(String session) {
        try (ChatSocket socket = ChatSocket.connect(service.webSocketUri(session, "redis_persistence=true"),
                Map.of("X-Forwarded-For", "10.7.0.1")).awaitConnected()) {
            return socket.connectedFrame();
        }
    }

    static int openConnections() {
        JsonObject health = service.get("/health/live").json();
        for (JsonObject check : health.getJsonArray("checks").getValuesAs(JsonObject.class)) {
            if ("chat".equals(check.getString("name"))) {
                // health data may come as a number or a string
                return Integer.parseInt(check.getJsonObject("data").get("open_connections").toString()
                        .replace("\"", ""));
            }
        }
        throw new IllegalStateException("no chat liveness check in " + health);
    }

}
