package io.redischat.admin.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

/**
 * The configured admin token. A presented token is compared by its SHA-256 digest in constant time, so neither its
 * content nor its length leaks through timing; the audit log names a caller by {@link #id}, never by the token.
 */
public final class AdminToken {

    private final byte[] digest;
    private final String id;

    public AdminToken(String token) {
        this.digest = sha256(token);
        this.id = idOf(digest);
    }

    /** Whether the presented token (null: none) is this one. */
    public boolean matches(String presented) {
        return presented != null && MessageDigest.isEqual(digest, sha256(presented));
    }

    /** The first 8 hex digits of the token's SHA-256: enough to tell tokens apart in a log, nothing to guess with. */
    public String id() {
        return id;
    }

    static String idOf(byte[] digest) {
        return HexFormat.of().formatHex(digest, 0, 4);
    }

    private static byte[] sha256(String text) {
        try {
            return MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
