package io.redischat.sessions.entity;

/**
 * Which part of a history to read: everything retained (all null), the {@code limit} latest, the messages after
 * seq {@code since}, or those before seq {@code before}; bounds are exclusive. A limit of 0 reads no messages.
 */
public record HistoryQuery(Integer limit, Long since, Long before) {

    public static HistoryQuery all() {
        return new HistoryQuery(null, null, null);
    }

    /** No messages, only the session's epoch, last seq and TTL. */
    public static HistoryQuery metaOnly() {
        return new HistoryQuery(0, null, null);
    }

    public static HistoryQuery after(long seq) {
        return new HistoryQuery(null, seq, null);
    }
}
