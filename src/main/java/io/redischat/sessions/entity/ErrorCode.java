package io.redischat.sessions.entity;

import java.util.Locale;

/** The codes an error frame can carry; on the wire in lower case. */
public enum ErrorCode {
    /** Redis did not confirm the write: the message was answered but not stored. */
    REDIS_UNAVAILABLE,
    /** The frame started with '{' but is not valid JSON. */
    MALFORMED_JSON,
    /** The frame is JSON but not a message: no string content, or a field of the wrong type. */
    INVALID_MESSAGE,
    /** The message has no content. */
    EMPTY_MESSAGE,
    /** The connection has too many messages waiting for Redis; slow down and retry. */
    TOO_MANY_PENDING,
    /** A message to a session that does not exist yet, and no new session may be started now: not stored. */
    SESSION_REFUSED,
    /** More messages a second than {@code chat.connection.max-messages-per-second}; this one was dropped. */
    RATE_LIMITED,
    /** The client used this clientId before for a message with other content: nothing was stored. */
    CLIENT_ID_REUSED;

    public String wire() {
        return name().toLowerCase(Locale.ROOT);
    }
}
