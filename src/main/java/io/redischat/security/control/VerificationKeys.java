package io.redischat.security.control;

import java.io.StringReader;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.security.AlgorithmParameters;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.PublicKey;
import java.security.cert.CertificateFactory;
import java.security.spec.ECGenParameterSpec;
import java.security.spec.ECParameterSpec;
import java.security.spec.ECPoint;
import java.security.spec.ECPublicKeySpec;
import java.security.spec.RSAPublicKeySpec;
import java.security.spec.X509EncodedKeySpec;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.Map;

import jakarta.json.JsonArray;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

/**
 * The public keys tokens are verified with, by key id, parsed from what {@code mp.jwt.verify.publickey} (or the
 * file behind {@code mp.jwt.verify.publickey.location}) holds: a PEM public key or certificate, bare base64 DER, a
 * JWK, or a JWK Set; JSON may also come base64url-encoded, as MicroProfile JWT allows.
 */
record VerificationKeys(Map<String, PublicKey> byId) {

    private static final JsonProvider JSON = JsonProvider.provider();
    /** The key id under which a key without one is kept. */
    static final String ANY = "";

    VerificationKeys {
        byId = Map.copyOf(byId);
    }

    /**
     * The key for a token's {@code kid}: that one; else a key without an id when there is one, or the only key when
     * the token names none. A kid the keys lack finds nothing, so the caller can read the keys again.
     */
    PublicKey forKeyId(String kid) {
        if (kid != null && byId.containsKey(kid)) {
            return byId.get(kid);
        }
        if (byId.containsKey(ANY)) {
            return byId.get(ANY);
        }
        return kid == null && byId.size() == 1 ? byId.values().iterator().next() : null;
    }

    static VerificationKeys parse(String text) {
        String trimmed = text.trim();
        try {
            if (trimmed.startsWith("-----BEGIN CERTIFICATE")) {
                var certificate = CertificateFactory.getInstance("X.509")
                        .generateCertificate(new java.io.ByteArrayInputStream(trimmed.getBytes(StandardCharsets.US_ASCII)));
                return new VerificationKeys(Map.of(ANY, certificate.getPublicKey()));
            }
            if (trimmed.startsWith("-----BEGIN PUBLIC KEY")) {
                String body = trimmed.replaceAll("-----[A-Z ]+-----", "").replaceAll("\\s", "");
                return new VerificationKeys(Map.of(ANY, fromDer(Base64.getMimeDecoder().decode(body))));
            }
            if (trimmed.startsWith("{")) {
                return fromJson(trimmed);
            }
            if (trimmed.startsWith("ey")) {
                // base64url-encoded JWK or JWK Set
                return fromJson(new String(Base64.getUrlDecoder().decode(trimmed), StandardCharsets.UTF_8));
            }
            return new VerificationKeys(Map.of(ANY, fromDer(Base64.getMimeDecoder().decode(trimmed))));
        } catch (GeneralSecurityException | RuntimeException e) {
            throw new IllegalArgumentException("the JWT verification key cannot be read (PEM, base64 DER, JWK or "
                    + "JWK Set expected): " + e.getClass().getSimpleName());
        }
    }

    private static VerificationKeys fromJson(String json) throws GeneralSecurityException {
        JsonObject object;
        try (var reader = JSON.createReader(new StringReader(json))) {
            object = reader.readObject();
        }
        var keys = new LinkedHashMap<String, PublicKey>();
        if (object.containsKey("keys")) {
            JsonArray set = object.getJsonArray("keys");
            for (JsonValue key : set) {
                JsonObject jwk = key.asJsonObject();
                if ("enc".equals(jwk.getString("use", "sig"))) {
                    continue;
                }
                keys.put(jwk.getString("kid", ANY), fromJwk(jwk));
            }
        } else {
            keys.put(object.getString("kid", ANY), fromJwk(object));
        }
        if (keys.isEmpty()) {
            throw new IllegalArgumentException("no signing key in the JWK Set");
        }
        return new VerificationKeys(keys);
    }

    private static PublicKey fromJwk(JsonObject jwk) throws GeneralSecurityException {
        String type = jwk.getString("kty", "");
        switch (type) {
            case "RSA" -> {
                return KeyFactory.getInstance("RSA").generatePublic(
                        new RSAPublicKeySpec(unsigned(jwk.getString("n")), unsigned(jwk.getString("e"))));
            }
            case "EC" -> {
                String curve = switch (jwk.getString("crv", "")) {
                    case "P-256" -> "secp256r1";
                    case "P-384" -> "secp384r1";
                    case "P-521" -> "secp521r1";
                    default -> throw new IllegalArgumentException("unsupported EC curve");
                };
                var parameters = AlgorithmParameters.getInstance("EC");
                parameters.init(new ECGenParameterSpec(curve));
                var point = new ECPoint(unsigned(jwk.getString("x")), unsigned(jwk.getString("y")));
                return KeyFactory.getInstance("EC").generatePublic(
                        new ECPublicKeySpec(point, parameters.getParameterSpec(ECParameterSpec.class)));
            }
            default -> throw new IllegalArgumentException("unsupported key type " + type);
        }
    }

    private static PublicKey fromDer(byte[] der) throws GeneralSecurityException {
        var spec = new X509EncodedKeySpec(der);
        try {
            return KeyFactory.getInstance("RSA").generatePublic(spec);
        } catch (GeneralSecurityException notRsa) {
            return KeyFactory.getInstance("EC").generatePublic(spec);
        }
    }

    private static BigInteger unsigned(String base64url) {
        return new BigInteger(1, Base64.getUrlDecoder().decode(base64url));
    }
}
