package io.redischat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.Await;
import io.redischat.testsupport.ReliabilityInstance;

/** What keeps other sites out: the Origin check on the WebSocket and the headers on the pages. */
class CrossSiteProtectionIT {

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();

    final ReliabilityInstance instance = ReliabilityInstance.get();

    @Test
    void crossSiteWebSocketsAreRefusedAndPagesCarryAStrictPolicy() throws Exception {
        int port = instance.app().port();
        URI ws = URI.create("ws://localhost:" + port + "/chat/ws/origin-" + System.nanoTime());
        assertThrows(RuntimeException.class, () -> ChatSocket.connect(ws, Map.of("Origin", "http://evil.example")));
        // same host and port, another scheme: not this page's origin
        assertThrows(RuntimeException.class,
                () -> ChatSocket.connect(ws, Map.of("Origin", "https://localhost:" + port)));
        try (ChatSocket sameOrigin = ChatSocket.connect(ws, Map.of("Origin", "http://localhost:" + port))) {
            assertNotNull(sameOrigin.awaitConnected().connectedFrame());
        }
        HttpResponse<String> page = instance.fetch("/chat/");
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), policy);
        assertTrue(policy.contains("connect-src 'self';") && !policy.contains("ws:"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    }

    @Test
    void everyAnswerOfTheApplicationCarriesTheSecurityHeadersAndErrorsTheErrorShape() throws Exception {
        record Case(String method, String path, int status, boolean api) { }
        for (Case c : new Case[] {
                new Case("GET", "/chat/", 200, false),
                new Case("GET", "/chat/api/redis/status/", 200, true),
                new Case("GET", "/chat/api/no-such-thing", 404, true),
                new Case("DELETE", "/chat/api/redis/status/", 405, true),
                new Case("GET", "/chat/WEB-INF/web.xml", 404, false),
                new Case("GET", "/chat/no-such-page.html", 404, false),
                new Case("DELETE", "/chat/index.html", 403, false),
                new Case("GET", "/chat/api/application.wadl", 404, true)}) {
            HttpResponse<String> response = send(c.method(), c.path());
            String what = c.method() + " " + c.path() + " -> " + response.statusCode() + " " + response.headers().map();
            assertEquals(c.status(), response.statusCode(), what);
            assertTrue(response.headers().firstValue("Content-Security-Policy").orElse("")
                    .contains("frame-ancestors 'none'"), what);
            assertEquals("nosniff", response.headers().firstValue("X-Content-Type-Options").orElse(""), what);
            assertEquals("no-referrer", response.headers().firstValue("Referrer-Policy").orElse(""), what);
            if (c.api() || c.status() >= 400) {
                assertEquals("no-store", response.headers().firstValue("Cache-Control").orElse(""), what);
            }
            if (c.status() >= 400) {
                assertTrue(response.body().startsWith("{\"success\":false,\"error\":\""), what + response.body());
                assertFalse(response.body().contains("Payara"), what + response.body());
            }
        }
    }

    @Test
    void theApiDescribesItselfToNobody() throws Exception {
        HttpResponse<String> options = send("OPTIONS", "/chat/api/redis/status/");
        assertFalse(options.body().contains("wadl") || options.body().contains("Jersey"), options.body());
        assertTrue(options.headers().firstValue("Content-Type").map(t -> !t.contains("wadl")).orElse(true),
                options.headers().map().toString());
        HttpResponse<String> wadl = send("GET", "/chat/api/application.wadl?detail=true");
        assertEquals(404, wadl.statusCode(), wadl.body());
    }

    @Test
    void uriEscapesThatAreNoEscapesCannotFloodTheLog() throws Exception {
        int before = instance.app().log().length();
        for (int i = 0; i < 30; i++) {
            try (var socket = new java.net.Socket("127.0.0.1", instance.app().port())) {
                socket.getOutputStream().write(("GET /chat/api/sessions/%/messages/ HTTP/1.1\r\nHost: localhost\r\n"
                        + "Connection: close\r\n\r\n").getBytes(java.nio.charset.StandardCharsets.US_ASCII));
                socket.getInputStream().readAllBytes();
            }
        }
        Await.pause(500);
        String log = instance.app().log().substring(before);
        assertFalse(log.contains("URLDecoder"), "no stack traces: " + log);
        long lines = log.lines().filter(line -> line.contains("URI has a '%' that is no escape")).count();
        assertTrue(lines >= 1 && lines <= 3, lines + " log lines for 30 such requests: " + log);
    }

    private HttpResponse<String> send(String method, String path) throws Exception {
        var request = HttpRequest.newBuilder(URI.create("http://localhost:" + instance.app().port() + path))
                .method(method, HttpRequest.BodyPublishers.noBody()).build();
        return HTTP.send(request, HttpResponse.BodyHandlers.ofString());
    }
}
