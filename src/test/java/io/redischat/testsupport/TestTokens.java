package io.redischat.testsupport;

import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyPair;
import java.security.KeyPairGenerator;
import java.security.Signature;
import java.security.interfaces.ECPublicKey;
import java.security.interfaces.RSAPublicKey;
import java.security.spec.ECGenParameterSpec;
import java.time.Instant;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/**
 * Keys the tests make themselves and JWTs signed with them, written out by hand (JWS compact form) so the tests
 * depend on nothing but the JDK.
 */
public final class TestTokens {

    private static final Base64.Encoder URL = Base64.getUrlEncoder().withoutPadding();

    private final KeyPair keys;
    private final String algorithm;
    private final String keyId;

    private TestTokens(KeyPair keys, String algorithm, String keyId) {
        this.keys = keys;
        this.algorithm = algorithm;
        this.keyId = keyId;
    }

    public static TestTokens rsa(String keyId) {
        try {
            var generator = KeyPairGenerator.getInstance("RSA");
            generator.initialize(2048);
            return new TestTokens(generator.generateKeyPair(), "RS256", keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public static TestTokens ec(String keyId) {
        try {
            var generator = KeyPairGenerator.getInstance("EC");
            generator.initialize(new ECGenParameterSpec("secp256r1"));
            return new TestTokens(generator.generateKeyPair(), "ES256", keyId);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    public String algorithm() {
        return algorithm;
    }

    /** The public key as PEM ({@code -----BEGIN PUBLIC KEY-----}). */
    public String publicKeyPem() {
        return "-----BEGIN PUBLIC KEY-----\n"
                + Base64.getMimeEncoder(64, "\n".getBytes(StandardCharsets.US_ASCII))
                .encodeToString(keys.getPublic().getEncoded())
                + "\n-----END PUBLIC KEY-----\n";
    }

    /** The public key as a JWK. */
    public String publicJwk() {
        if (keys.getPublic() instanceof RSAPublicKey rsa) {
            return "{\"kty\":\"RSA\",\"kid\":\"" + keyId + "\",\"use\":\"sig\",\"n\":\"" + unsigned(rsa.getModulus())
                    + "\",\"e\":\"" + unsigned(rsa.getPublicExponent()) + "\"}";
        }
        var ec = (ECPublicKey) keys.getPublic();
        return "{\"kty\":\"EC\",\"kid\":\"" + keyId + "\",\"crv\":\"P-256\",\"x\":\""
                + fixed(ec.getW().getAffineX()) + "\",\"y\":\"" + fixed(ec.getW().getAffineY()) + "\"}";
    }

    /** A signed token with these claims (values: String, Number, List of String), and the key id in its header. */
    public String sign(Map<String, ?> claims) {
        return sign("{\"alg\":\"" + algorithm + "\",\"typ\":\"JWT\",\"kid\":\"" + keyId + "\"}", claims);
    }

    public String sign(String headerJson, Map<String, ?> claims) {
        String signingInput = encode(headerJson) + "." + encode(json(claims));
        try {
            var signer = Signature.getInstance(algorithm.startsWith("RS") ? "SHA256withRSA"
                    : "SHA256withECDSAinP1363Format");
            signer.initSign(keys.getPrivate());
            signer.update(signingInput.getBytes(StandardCharsets.US_ASCII));
            return signingInput + "." + URL.encodeToString(signer.sign());
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A token for this subject, valid for the given seconds from now, with optional extra claims. */
    public String forSubject(String subject, long validSeconds, Object... extraClaims) {
        var claims = new java.util.LinkedHashMap<String, Object>();
        long now = Instant.now().getEpochSecond();
        claims.put("sub", subject);
        claims.put("iat", now);
        claims.put("exp", now + validSeconds);
        for (int i = 0; i + 1 < extraClaims.length; i += 2) {
            claims.put((String) extraClaims[i], extraClaims[i + 1]);
        }
        return sign(claims);
    }

    public static String encode(String json) {
        return URL.encodeToString(json.getBytes(StandardCharsets.UTF_8));
    }

    static String json(Map<String, ?> claims) {
        return claims.entrySet().stream().map(e -> quote(e.getKey()) + ":" + value(e.getValue()))
                .collect(Collectors.joining(",", "{", "}"));
    }

    private static String value(Object value) {
        if (value instanceof Number) {
            return value.toString();
        }
        if (value instanceof List<?> list) {
            return list.stream().map(TestTokens::value).collect(Collectors.joining(",", "[", "]"));
        }
        return quote(String.valueOf(value));
    }

    private static String quote(String text) {
        return "\"" + text.replace("\\", "\\\\").replace("\"", "\\\"").replace("\n", "\\n") + "\"";
    }

    private static String unsigned(BigInteger value) {
        byte[] bytes = value.toByteArray();
        int start = bytes.length > 1 && bytes[0] == 0 ? 1 : 0;
        return URL.encodeToString(java.util.Arrays.copyOfRange(bytes, start, bytes.length));
    }

    private static String fixed(BigInteger value) {
        byte[] bytes = value.toByteArray();
        byte[] out = new byte[32];
        int copy = Math.min(bytes.length, 32);
        System.arraycopy(bytes, bytes.length - copy, out, 32 - copy, copy);
        return URL.encodeToString(out);
    }
}
