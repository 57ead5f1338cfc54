package io.redischat.sessions.control;

/**
 * The Redis keys of one session. All carry the {@code {session_id}} hash tag so they share one Cluster slot and one
 * Lua script can touch them together. {@code live} is the session's pub/sub channel.
 */
record SessionKeys(String history, String meta, String seen, String clientIdPrefix, String live) {

    static SessionKeys of(String prefix, String sessionId) {
        String base = prefix + ":{" + sessionId + "}:";
        return new SessionKeys(base + "history", base + "meta", base + "seen", base + "cid:", base + "live");
    }

    String clientId(String clientId) {
        return clientIdPrefix + (clientId == null ? "" : clientId);
    }
}
