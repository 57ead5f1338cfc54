package io.redischat.sessions.control;

import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.regex.Pattern;

/**
 * Who a client is, as far as its clientIds go: the scope of idempotency and the sockets a clientId is sent back to.
 * An author is a short key that never contains '/' or '#': {@code s<hex>} from a secret the client keeps across
 * reconnects (the {@code author_secret} of the handshake), or {@code c<connectionId>} for a client that sent none
 * (its clientIds then count on that socket only), or {@code u<hex>} from the subject of a verified token, which
 * then is the client's identity on every socket and device.
 */
public final class Authors {

    /** At least 128 bits as base64url (22 characters); hex and UUIDs fit too. */
    public static final Pattern SECRET = Pattern.compile("[A-Za-z0-9_-]{22,128}");
    public static final String SECRET_RULE = "author_secret must be 22 to 128 letters, digits, '-' or '_'";

    private Authors() {
    }

    /**
     * The author of a client that proves itself with a secret: a hash, so the secret is neither stored nor sent to
     * anyone, and knowing the author key does not let another client claim it.
     */
    public static String ofSecret(String secret) {
        if (secret == null || !SECRET.matcher(secret).matches()) {
            throw new IllegalArgumentException(SECRET_RULE);
        }
        return "s" + hash("redis-chat author\n" + secret);
    }

    private static String hash(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest, 0, 16);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException("SHA-256 is part of every Java platform", e);
        }
    }

    /** The author of a client with a verified token: its subject, hashed into the same short form. */
    public static String ofSubject(String subject) {
        return "u" + hash("redis-chat subject\n" + subject);
    }

    /** The author of a client that gave no secret: its socket. */
    static String ofConnection(String connectionId) {
        return "c" + connectionId;
    }

    /** The idempotency key of a client's message: its clientId within its author's. */
    public static String clientKey(String author, String clientId) {
        return author + "/" + clientId;
    }
}
