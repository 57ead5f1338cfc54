package io.redischat.redis.control;

/**
 * The Redis keys of one session. All carry the {@code {session_id}} hash tag so they share one Cluster slot and one
 * Lua script can touch them together. {@code live} is the session's pub/sub channel.
 */
public record SessionKeys(String history, String meta, String seen, String idempotencyPrefix, String live) {

    public static SessionKeys of(String prefix, String sessionId) {
        String base = prefix + ":{" + sessionId + "}:";
        return new SessionKeys(base + "history", base + "meta", base + "seen", base + "cid:", base + "live");
    }

    /**
     * Where the result of a write is kept under its idempotency key ({@code <author>/<clientId>}, or a key the server
     * made).
     */
    public String idempotencyKey(String key) {
        return idempotencyPrefix + key;
    }
}
