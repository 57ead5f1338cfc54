package io.redischat.sessions.entity;

/** Why a history read returned no messages, as far as the server can tell. */
public enum EmptyReason {
    /** Nothing was ever stored for this id with {@code redis_persistence=true} (or so long ago the marker is gone). */
    never_persisted,
    /** Messages were stored, and the session's TTL ran out. */
    expired,
    /** An administrator deleted the session (the admin API), within {@code chat.session.marker-ttl}. */
    deleted,
    /** The session has history, just none in the requested range. */
    none_in_range
}
