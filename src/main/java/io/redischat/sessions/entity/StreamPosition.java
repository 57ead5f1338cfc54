package io.redischat.sessions.entity;

/**
 * A place in a session's history: the epoch (which incarnation of the history; null while the session has none)
 * and the seq of the last message up to that place (0 = before the first).
 */
public record StreamPosition(String epoch, long seq) {

    public static final StreamPosition NONE = new StreamPosition(null, 0);

    /** Both positions belong to one history; a position before any message fits every epoch. */
    public boolean sameHistoryAs(StreamPosition other) {
        if (epoch == null || other.epoch == null) {
            return (epoch == null ? seq : other.seq) == 0 || java.util.Objects.equals(epoch, other.epoch);
        }
        return epoch.equals(other.epoch);
    }
}
