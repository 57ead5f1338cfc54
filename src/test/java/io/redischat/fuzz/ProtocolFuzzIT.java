package io.redischat.fuzz;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.URLEncoder;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redischat.testsupport.Await;
import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RawWebSocket;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * Thousands of generated WebSocket frames and REST requests (random text, control characters, broken, huge and deep
 * JSON, wrong types, invalid UTF-8, path tricks and very long session ids) against a running instance: no 5xx, no
 * internal-error close, no stuck thread, every rejection a clear error, and no Redis key outside {@code chat:}.
 * The seed is printed, so a failure can be replayed with {@code -Dfuzz.seed=...}.
 */
class ProtocolFuzzIT {

    static RedisServerProcess redis;
    static PayaraMicroProcess app;
    static final long SEED = Long.getLong("fuzz.seed", System.nanoTime());

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url()));
    }

    @AfterAll
    static void stop() {
        app.close();
        redis.close();
    }

    @Test
    void generatedFramesGetAnswersOrClearErrorsAndNothingBreaks() throws Exception {
        ServiceClient service = app.client();
        int connections = 5;
        int framesEach = 1200;
        AtomicInteger errorFrames = new AtomicInteger();
        AtomicInteger messageFrames = new AtomicInteger();
        List<CompletableFuture<Void>> runs = new ArrayList<>();
        for (int c = 0; c < connections; c++) {
            Random random = new Random(SEED + c);
            String session = "fuzz-" + c + "-" + SEED;
            boolean persisted = c % 2 == 0;
            runs.add(CompletableFuture.runAsync(() -> {
                try (ChatSocket socket = service.socket(session, persisted ? "redis_persistence=true" : null)) {
                    for (int i = 0; i < framesEach; i++) {
                        socket.send(frame(random));
                    }
                    // the answers to the burst first, until the socket is quiet: a refusal read after "last" is then
                    // the refusal of "last" (a plain-text "last" has no clientId for the refusal to name)
                    while (countAnswer(socket.nextFrame(Duration.ofSeconds(2)), errorFrames, messageFrames) != null) {
                        // draining
                    }
                    // the burst may have used up the message rate: a refused "last" is sent again once the bucket
                    // refills (a refused message is dropped, as documented)
                    socket.send("last");
                    int resent = 0;
                    String answer;
                    boolean sawLast = false;
                    while (!sawLast && (answer = countAnswer(socket.nextFrame(Duration.ofSeconds(20)), errorFrames,
                            messageFrames)) != null) {
                        if (answer.matches(".*\"code\":\"(rate_limited|too_many_pending)\".*") && resent++ < 20) {
                            Await.pause(200);
                            socket.send("last");
                        }
                        sawLast = answer.contains("\"content\":\"Message #") && answer.endsWith(": last\"}")
                                || answer.contains(": last\",");
                    }
                    assertTrue(sawLast, "the last message was answered on " + session);
                    assertTrue(socket.isOpen(), session + " still open");
                }
            }));
        }
        runs.forEach(CompletableFuture::join);

        int[] rawCloseCodes = rawFrames();
        int requests = 3000;
        int[] statuses = restRequests(requests);

        // filtered in Redis: the list of all keys can be longer than one read of the raw reply
        String outside = redis.command("EVAL", "local out = {} for _, k in ipairs(redis.call('KEYS', '*')) do "
                + "if string.sub(k, 1, 5) ~= 'chat:' then out[#out + 1] = k end end return out", "0");
        assertEquals("*0\r\n", outside, "keys outside chat:");

        JsonObject status = service.get("api/redis/status/", Duration.ofSeconds(2)).json();
        assertTrue(status.getBoolean("redis_connected"), "still answering at once");
        try (ChatSocket after = service.persistentSocket("fuzz-after-" + SEED)) {
            after.send("still fine");
            assertEquals("Message #1: still fine", after.nextJson(2).get(1).getString("content"));
        }
        assertTrue(!app.log().contains("SEVERE"), "no SEVERE in the server log");
        System.out.printf("fuzz seed %d: %d WebSocket frames on %d connections -> %d message frames, %d error frames;"
                + " raw frames closed with %s; %d REST requests -> 2xx %d, 4xx %d, 5xx %d%n", SEED,
                connections * framesEach, connections, messageFrames.get(), errorFrames.get(),
                java.util.Arrays.toString(rawCloseCodes), requests, statuses[2], statuses[4], statuses[5]);
    }

    /** The frame, after checking that an error frame has a code a client can act on; null stays null. */
    static String countAnswer(String answer, AtomicInteger errorFrames, AtomicInteger messageFrames) {
        if (answer == null) {
            return null;
        }
        if (answer.contains("\"type\":\"error\"")) {
            errorFrames.incrementAndGet();
            assertTrue(answer.matches(".*\"code\":\"(malformed_json|invalid_message|empty_message"
                    + "|rate_limited|too_many_pending)\".*"), answer);
        } else {
            messageFrames.incrementAndGet();
        }
        return answer;
    }

    /** Frames no well-behaved client sends: never an internal-error close (1011). */
    int[] rawFrames() throws Exception {
        byte[][] payloads = {
                {(byte) 0xc3, (byte) 0x28},                    // invalid UTF-8 in a text frame
                {(byte) 0xed, (byte) 0xa0, (byte) 0x80},       // an encoded surrogate
                {(byte) 0xff, (byte) 0xfe, 0x41},
        };
        int[] codes = new int[payloads.length + 2];
        for (int i = 0; i < payloads.length; i++) {
            try (var raw = new RawWebSocket(app.port(), "/chat/ws/raw-" + i + "?redis_persistence=true")) {
                raw.sendFrame(0x81, payloads[i]);
                codes[i] = raw.awaitCloseCode();
            }
        }
        try (var raw = new RawWebSocket(app.port(), "/chat/ws/raw-binary")) {
            raw.sendFrame(0x82, new byte[] {1, 2, 3});
            codes[payloads.length] = raw.awaitCloseCode();
        }
        try (var raw = new RawWebSocket(app.port(), "/chat/ws/raw-reserved")) {
            raw.sendFrame(0x81 | 0x40, "x".getBytes(StandardCharsets.UTF_8));
            codes[payloads.length + 1] = raw.awaitCloseCode();
        }
        for (int code : codes) {
            // a protocol close, or the frame taken (Tyrus decodes invalid UTF-8 leniently) and the socket kept open
            assertTrue(code == 1002 || code == 1003 || code == 1007 || code == 0 || code == -1, "close code " + code);
        }
        return codes;
    }

    /** Counts by status class: index 2 = 2xx, 4 = 4xx, 5 = 5xx. */
    int[] restRequests(int count) throws Exception {
        HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        Random random = new Random(SEED ^ 0x5eed);
        int[] classes = new int[6];
        for (int i = 0; i < count; i++) {
            String path = "/chat/api/" + restPath(random);
            URI uri;
            try {
                uri = URI.create("http://127.0.0.1:" + app.port() + path);
            } catch (IllegalArgumentException notAUri) {
                continue;
            }
            HttpResponse<String> response = http.send(HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(10))
                    .build(), HttpResponse.BodyHandlers.ofString());
            int status = response.statusCode();
            classes[status / 100]++;
            assertTrue(status < 500, status + " for " + path + ": " + response.body());
            // a raw ".." may walk out of /api (the container normalizes the path): only API answers are JSON
            if (response.headers().firstValue("Content-Type").orElse("").startsWith("application/json")) {
                assertTrue(response.body().contains(status == 200 ? "\"success\":true" : "\"success\":false"),
                        path + " -> " + response.body());
            }
        }
        return classes;
    }

    static String restPath(Random random) {
        String id = sessionId(random);
        return switch (random.nextInt(6)) {
            case 0 -> "sessions/" + id + "/messages/";
            case 1 -> "sessions/" + id + "/messages?" + query(random);
            case 2 -> "sessions/" + id + "/" + encode(text(random, 20));
            case 3 -> "redis/status" + (random.nextBoolean() ? "/" : "?x=" + encode(text(random, 10)));
            case 4 -> encode(text(random, 30));
            default -> "sessions/" + id + "/messages/?limit=" + encode(number(random));
        };
    }

    static String sessionId(Random random) {
        List<String> tricks = List.of("..", "../..", "*", "{", "}", "a b", "%00", "x".repeat(129),
                "y".repeat(5000), "chat:{x}:meta", "\u00e9t\u00e9", ";DROP", "a/b", "\\", "?", "#");
        String id = random.nextInt(3) == 0 ? tricks.get(random.nextInt(tricks.size())) : text(random, 1 + random.nextInt(140));
        return encode(id);
    }

    static String query(Random random) {
        List<String> names = List.of("limit", "since", "before", "x");
        var query = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(3); i++) {
            query.append(i == 0 ? "" : "&").append(names.get(random.nextInt(names.size()))).append('=')
                    .append(encode(number(random)));
        }
        return query.toString();
    }

    static String number(Random random) {
        return switch (random.nextInt(6)) {
            case 0 -> Integer.toString(random.nextInt(20000) - 10000);
            case 1 -> "99999999999999999999999";
            case 2 -> "1e3";
            case 3 -> "";
            case 4 -> text(random, 5);
            default -> Integer.toString(random.nextInt(5));
        };
    }

    static String frame(Random random) {
        return switch (random.nextInt(12)) {
            case 0 -> text(random, 1 + random.nextInt(200));
            case 1 -> controlCharacters(random);
            case 2 -> "{" + text(random, random.nextInt(50));
            case 3 -> "{\"content\":" + jsonValue(random) + "}";
            case 4 -> "{\"content\":\"ok\",\"clientId\":" + jsonValue(random) + "}";
            case 5 -> "{\"content\":\"" + "z".repeat(random.nextInt(60_000)) + "\"}";
            case 6 -> "{\"a\":".repeat(2000 + random.nextInt(3000)) + "1" + "}".repeat(10);
            case 7 -> "[" + "[".repeat(random.nextInt(5000)) + "]";
            case 8 -> "{\"content\":\"\\ud800 lone\",\"clientId\":\"c" + random.nextInt(50) + "\"}";
            case 9 -> "{}";
            case 10 -> new String(Character.toChars(0x1F600 + random.nextInt(50))) + "\u0000\uFFFF";
            default -> "plain " + random.nextInt();
        };
    }

    static String jsonValue(Random random) {
        return switch (random.nextInt(8)) {
            case 0 -> "null";
            case 1 -> "42";
            case 2 -> "[1,2]";
            case 3 -> "{\"x\":1}";
            case 4 -> "true";
            case 5 -> "\"" + text(random, 70).replace("\\", "").replace("\"", "") + "\"";
            case 6 -> "\"\"";
            default -> "\"c-" + random.nextInt(100) + "\"";
        };
    }

    static String controlCharacters(Random random) {
        var text = new StringBuilder();
        for (int i = 0; i < 1 + random.nextInt(40); i++) {
            text.append((char) random.nextInt(32));
        }
        return text.toString();
    }

    static String text(Random random, int length) {
        var text = new StringBuilder();
        for (int i = 0; i < length; i++) {
            int kind = random.nextInt(10);
            // no lone surrogates here: a conforming client cannot send them (RawWebSocket sends invalid UTF-8)
            text.append(kind < 6 ? (char) (32 + random.nextInt(95)) : kind < 8 ? (char) random.nextInt(0x3000)
                    : (char) (0xe000 + random.nextInt(0x1000)));
        }
        return text.toString();
    }

    static String encode(String text) {
        return URLEncoder.encode(text, StandardCharsets.UTF_8).replace("+", "%20");
    }
}
