package io.redischat.sessions.entity;

/**
 * Which part of a history to read: the newest messages (no {@code since}: everything retained, or the {@code limit}
 * latest, or those before seq {@code before}), or the oldest after seq {@code since}; bounds are exclusive. A limit
 * of 0 reads no messages. Whatever is asked, one read returns no more than the store's byte budget, nor more than
 * {@code maxBytes} when that is set (the live feed reads what a socket can take); the history it answers says
 * whether more was there.
 */
public record HistoryQuery(Integer limit, Long since, Long before, Long maxBytes) {

    /**
     * The largest seq there can be: stream ids and the counters in the Lua scripts hold every whole number up to it
     * exactly (Lua numbers are doubles).
     */
    public static final long MAX_SEQ = (1L << 53) - 1;

    /** Within the store's budget alone. */
    public HistoryQuery(Integer limit, Long since, Long before) {
        this(limit, since, before, null);
    }

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

    /** The oldest after {@code seq}, at most {@code maxBytes} of them (at least one message). */
    public static HistoryQuery after(long seq, long maxBytes) {
        return new HistoryQuery(null, seq, null, maxBytes);
    }

    /** Pages forward, oldest first (after {@code since}); otherwise backward from the newest. */
    public boolean forward() {
        return since != null;
    }
}
