package io.redischat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URI;
import java.net.http.HttpResponse;
import java.util.Map;

import org.junit.jupiter.api.Test;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.ReliabilityInstance;

/** What keeps other sites out: the Origin check on the WebSocket and the headers on the pages. */
class CrossSiteProtectionIT {

    final ReliabilityInstance instance = ReliabilityInstance.get();

    @Test
    void crossSiteWebSocketsAreRefusedAndPagesCarryAStrictPolicy() throws Exception {
        int port = instance.app().port();
        URI ws = URI.create("ws://localhost:" + port + "/chat/ws/origin-" + System.nanoTime());
        assertThrows(RuntimeException.class, () -> ChatSocket.connect(ws, Map.of("Origin", "http://evil.example")));
        try (ChatSocket sameOrigin = ChatSocket.connect(ws, Map.of("Origin", "http://localhost:" + port))) {
            assertNotNull(sameOrigin.awaitConnected().connectedFrame());
        }
        HttpResponse<String> page = instance.fetch("/chat/");
        assertEquals(200, page.statusCode());
        String policy = page.headers().firstValue("Content-Security-Policy").orElse("");
        assertTrue(policy.contains("script-src 'self'") && !policy.contains("unsafe-inline"), policy);
        assertEquals("nosniff", page.headers().firstValue("X-Content-Type-Options").orElse(""));
    }
}
