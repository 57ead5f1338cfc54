package io.redischat.sessions.entity;

/**
 * Whether a reconnecting client can be given exactly what it missed. Only {@link #RECOVERED} means "nothing
 * missing"; the others say why the client has to refetch the history.
 */
public enum RecoveryOutcome {
    /** Every message after the client's seq is still there (or there is none): it is replayed. */
    RECOVERED,
    /** The history the client knew was lost; what is there now began under another epoch. */
    EPOCH_CHANGED,
    /** The history is gone (expired, or Redis lost it) and the client had seen messages of it. */
    HISTORY_GONE,
    /** The client claims a seq the session never reached. */
    AHEAD_OF_SESSION,
    /** Messages after the client's seq were trimmed away (history length limit) before it came back. */
    TRIMMED;

    public boolean recovered() {
        return this == RECOVERED;
    }
}
