package io.redischat.sessions.entity;

/** Where a reconnecting client left off: the last seq it saw and the epoch it saw it in (may be null). */
public record ResumePoint(long since, String epoch) {

    public StreamPosition position() {
        return new StreamPosition(epoch, since);
    }
}
