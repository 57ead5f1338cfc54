package io.redischat.security.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Set;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.junit.jupiter.api.Test;

import io.redischat.security.entity.Caller;
import io.redischat.testsupport.TestTokens;

class TokenVerifierTest {

    private static final TestTokens RSA = TestTokens.rsa("k1");
    private static final TestTokens OTHER_RSA = TestTokens.rsa("k2");
    private static final TestTokens EC = TestTokens.ec("e1");
    private static final Instant NOW = Instant.ofEpochSecond(1_800_000_000L);

    private static TokenVerifier verifier(TestTokens keys, String issuer, Set<String> audiences) {
        return new TokenVerifier(VerificationKeys.parse(keys.publicKeyPem()), keys.algorithm(), issuer, audiences,
                Duration.ofSeconds(10), Clock.fixed(NOW, ZoneOffset.UTC));
    }

    private static Map<String, Object> claims(Object... pairs) {
        var claims = new java.util.LinkedHashMap<String, Object>();
        claims.put("sub", "alice");
        claims.put("iat", NOW.getEpochSecond());
        claims.put("exp", NOW.getEpochSecond() + 300);
        for (int i = 0; i + 1 < pairs.length; i += 2) {
            if (pairs[i + 1] == null) {
                claims.remove((String) pairs[i]);
            } else {
                claims.put((String) pairs[i], pairs[i + 1]);
            }
        }
        return claims;
    }

    private static String rejection(TokenVerifier verifier, String token) {
        return assertThrows(TokenRejectedException.class, () -> verifier.verify(token)).getMessage();
    }

    @Test
    void aGenuineTokenNamesItsSubjectAndExpiry() throws Exception {
        Caller caller = verifier(RSA, null, Set.of()).verify(RSA.sign(claims()));
        assertEquals("alice", caller.subject());
        assertEquals(NOW.plusSeconds(310), caller.validUntil(), "exp plus the clock skew");
        assertNull(caller.sessions(), "no chat_sessions claim: every session");
        assertTrue(caller.allows("any-session"));
    }

    @Test
    void ecKeysVerifyES256() throws Exception {
        assertEquals("alice", verifier(EC, null, Set.of()).verify(EC.sign(claims())).subject());
    }

    @Test
    void aTamperedPayloadOrAnotherKeysSignatureIsRefused() {
        var verifier = verifier(RSA, null, Set.of());
        String token = RSA.sign(claims());
        String[] parts = token.split("\\.");
        String forged = parts[0] + "." + TestTokens.encode("{\"sub\":\"mallory\",\"exp\":" + (NOW.getEpochSecond() + 300)
                + "}") + "." + parts[2];
        assertEquals("token signature is not valid", rejection(verifier, forged));
        assertEquals("token signature is not valid", rejection(verifier, OTHER_RSA.sign(claims())));
        assertEquals("token signature is not valid", rejection(verifier, parts[0] + "." + parts[1] + ".AAAA"));
    }

    @Test
    void onlyTheConfiguredAlgorithmIsAccepted() throws Exception {
        var verifier = verifier(RSA, null, Set.of());
        String payload = TestTokens.encode("{\"sub\":\"mallory\",\"exp\":" + (NOW.getEpochSecond() + 300) + "}");
        String none = TestTokens.encode("{\"alg\":\"none\"}") + "." + payload + ".";
        assertEquals("token is not a signed JWT (header.payload.signature)", rejection(verifier, none));
        assertEquals("token algorithm none is not accepted",
                rejection(verifier, none + "c2lnbmF0dXJl"));
        // the classic confusion: HS256 keyed with the public key everyone knows
        String header = TestTokens.encode("{\"alg\":\"HS256\"}");
        var mac = Mac.getInstance("HmacSHA256");
        mac.init(new SecretKeySpec(RSA.publicKeyPem().getBytes(StandardCharsets.US_ASCII), "HmacSHA256"));
        String signature = Base64.getUrlEncoder().withoutPadding().encodeToString(
                mac.doFinal((header + "." + payload).getBytes(StandardCharsets.US_ASCII)));
        assertEquals("token algorithm HS256 is not accepted", rejection(verifier, header + "." + payload + "." + signature));
        // an ES256 token against an RS256 configuration
        assertEquals("token algorithm ES256 is not accepted", rejection(verifier, EC.sign(claims())));
    }

    @Test
    void expiryAndNotBeforeAllowTheClockSkewOnly() throws Exception {
        var verifier = verifier(RSA, null, Set.of());
        assertEquals("token expired", rejection(verifier, RSA.sign(claims("exp", NOW.getEpochSecond() - 10))));
        verifier.verify(RSA.sign(claims("exp", NOW.getEpochSecond() - 9)));
        assertEquals("token is not valid yet", rejection(verifier, RSA.sign(claims("nbf", NOW.getEpochSecond() + 11))));
        verifier.verify(RSA.sign(claims("nbf", NOW.getEpochSecond() + 10)));
        assertEquals("token has no expiry (exp)", rejection(verifier, RSA.sign(claims("exp", null))));
        assertEquals("token claim exp must be a number of seconds",
                rejection(verifier, RSA.sign(claims("exp", "tomorrow"))));
    }

    @Test
    void issuerAndAudienceAreCheckedWhenConfigured() throws Exception {
        var verifier = verifier(RSA, "https://issuer.example", Set.of("redis-chat", "other"));
        verifier.verify(RSA.sign(claims("iss", "https://issuer.example", "aud", "redis-chat")));
        verifier.verify(RSA.sign(claims("iss", "https://issuer.example", "aud", List.of("x", "other"))));
        assertEquals("token issuer is not accepted",
                rejection(verifier, RSA.sign(claims("iss", "https://evil.example", "aud", "redis-chat"))));
        assertEquals("token issuer is not accepted", rejection(verifier, RSA.sign(claims("aud", "redis-chat"))));
        assertEquals("token audience is not accepted",
                rejection(verifier, RSA.sign(claims("iss", "https://issuer.example", "aud", "x"))));
        assertEquals("token audience is not accepted",
                rejection(verifier, RSA.sign(claims("iss", "https://issuer.example"))));
    }

    @Test
    void theSubjectIsRequiredAndPrintable() {
        var verifier = verifier(RSA, null, Set.of());
        String needsSubject = "token needs a subject (sub) of 1 to 256 printable characters";
        assertEquals(needsSubject, rejection(verifier, RSA.sign(claims("sub", null))));
        assertEquals(needsSubject, rejection(verifier, RSA.sign(claims("sub", " "))));
        assertEquals(needsSubject, rejection(verifier, RSA.sign(claims("sub", "a\nb"))));
        assertEquals(needsSubject, rejection(verifier, RSA.sign(claims("sub", "x".repeat(257)))));
    }

    @Test
    void chatSessionsLimitsTheSessionsToExactIdsAndPrefixes() throws Exception {
        var verifier = verifier(RSA, null, Set.of());
        Caller caller = verifier.verify(RSA.sign(claims("chat_sessions", List.of("team-a", "project-*"))));
        assertTrue(caller.allows("team-a"));
        assertFalse(caller.allows("team-ab"));
        assertTrue(caller.allows("project-x"));
        assertTrue(caller.allows("project-"));
        assertFalse(caller.allows("team-b"));
        assertFalse(verifier.verify(RSA.sign(claims("chat_sessions", List.of()))).allows("team-a"));
        assertTrue(verifier.verify(RSA.sign(claims("chat_sessions", List.of("*")))).allows("anything"));
        String rule = "chat_sessions must be an array of session ids or prefixes ending in *";
        assertEquals(rule, rejection(verifier, RSA.sign(claims("chat_sessions", "team-a"))));
        assertEquals(rule, rejection(verifier, RSA.sign(claims("chat_sessions", List.of("bad id")))));
        assertEquals(rule, rejection(verifier, RSA.sign(claims("chat_sessions", List.of(7)))));
    }

    @Test
    void malformedTokensGetAReasonThatNeverQuotesThem() {
        var verifier = verifier(RSA, null, Set.of());
        assertEquals("no token", rejection(verifier, ""));
        assertEquals("token is not a signed JWT (header.payload.signature)", rejection(verifier, "secret-stuff"));
        assertEquals("token is not a JWT: its header or payload is not base64url JSON",
                rejection(verifier, "secret.stuff.here"));
        assertEquals("token longer than 8192 characters", rejection(verifier, "a".repeat(8193)));
    }

    @Test
    void keysAreReadFromPemJwkAndJwkSetsAndChosenByKeyId() throws Exception {
        var set = VerificationKeys.parse("{\"keys\":[" + RSA.publicJwk() + "," + OTHER_RSA.publicJwk() + "]}");
        var verifier = new TokenVerifier(set, "RS256", null, Set.of(), Duration.ZERO, Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals("alice", verifier.verify(RSA.sign(claims())).subject());
        assertEquals("alice", verifier.verify(OTHER_RSA.sign(claims())).subject());
        String unknownKid = RSA.sign("{\"alg\":\"RS256\",\"kid\":\"k9\"}", claims());
        assertEquals("token signature is not valid", rejection(verifier, unknownKid));

        var jwk = VerificationKeys.parse(RSA.publicJwk());
        assertEquals(1, jwk.byId().size());
        var encoded = VerificationKeys.parse(TestTokens.encode(EC.publicJwk()));
        var ecVerifier = new TokenVerifier(encoded, "ES256", null, Set.of(), Duration.ZERO,
                Clock.fixed(NOW, ZoneOffset.UTC));
        assertEquals("alice", ecVerifier.verify(EC.sign(claims())).subject());
        String bareDer = RSA.publicKeyPem().replaceAll("-----[A-Z ]+-----", "");
        assertEquals(1, VerificationKeys.parse(bareDer).byId().size());
        assertThrows(IllegalArgumentException.class, () -> VerificationKeys.parse("not a key"));
    }

    @Test
    void aJwkSetServedOverHttpIsReadAgainWhenATokenNamesANewKey() throws Exception {
        var served = new java.util.concurrent.atomic.AtomicReference<>("{\"keys\":[" + RSA.publicJwk() + "]}");
        var requests = new java.util.concurrent.atomic.AtomicInteger();
        var server = com.sun.net.httpserver.HttpServer.create(
                new java.net.InetSocketAddress(java.net.InetAddress.getLoopbackAddress(), 0), 0);
        server.createContext("/jwks", exchange -> {
            requests.incrementAndGet();
            byte[] body = served.get().getBytes(StandardCharsets.UTF_8);
            exchange.sendResponseHeaders(200, body.length);
            exchange.getResponseBody().write(body);
            exchange.close();
        });
        server.start();
        try {
            var verifier = TokenVerifier.fromLocation("http://127.0.0.1:" + server.getAddress().getPort() + "/jwks",
                    "RS256", Duration.ofMillis(200), Clock.systemUTC());
            assertEquals("alice", verifier.verify(RSA.forSubject("alice", 60)).subject());
            // the issuer rotates to a new key: a token under it is refused until the set is read again
            served.set("{\"keys\":[" + RSA.publicJwk() + "," + OTHER_RSA.publicJwk() + "]}");
            String rotated = OTHER_RSA.forSubject("bob", 60);
            assertEquals("token signature is not valid", rejection(verifier, rotated));
            assertEquals(1, requests.get(), "not read again within the interval");
            Thread.sleep(250);
            assertEquals("bob", verifier.verify(rotated).subject());
            assertEquals(2, requests.get());
            for (int i = 0; i < 20; i++) {
                rejection(verifier, RSA.sign("{\"alg\":\"RS256\",\"kid\":\"k-" + i + "\"}", claims()));
            }
            assertTrue(requests.get() <= 3, "unknown key ids cannot make it hammer the issuer: " + requests.get());
        } finally {
            server.stop(0);
        }
    }
}
