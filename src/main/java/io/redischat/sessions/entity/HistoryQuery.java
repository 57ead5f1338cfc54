package io.redischat.sessions.entity;

/**
 * Which part of a history to read: everything retained (all null), the {@code limit} latest, the messages after
 * seq {@code since}, or those before seq {@code before}; bounds are exclusive.
 */
public record HistoryQuery(Integer limit, Long since, Long before) {

    public static HistoryQuery all() {
        return new HistoryQuery(null, null, null);
    }

    public boolean isPaged() {
        return limit != null || since != null || before != null;
    }
}
