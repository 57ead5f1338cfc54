package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The first frame on every accepted socket: from here on the client receives every message of the session. For a
 * persisted session it carries the epoch and last seq; after a reconnect with {@code since}, {@code recovered} says
 * whether every missed message follows or the client should refetch the history. {@code replayed} counts the
 * missed ones, {@code lastSeq - since}: they follow in seq order, as fast as the client reads them, however many
 * there are, and live messages after them.
 * {@code instance} names the application instance the socket is on (for operators, and tests behind a proxy);
 * {@code connectionId} names this socket; {@code subject}, with access control, is the subject of its token. The
 * {@code from} of the messages it sends is the subject when there is one, else the connection id. {@code limits} says
 * what the socket may send (rate, pending writes, size), so a client can stay under them.
 */
@JsonbPropertyOrder({"type", "sessionId", "persistence", "epoch", "lastSeq", "recovered", "replayed",
        "maxMessageBytes", "instance", "connectionId", "subject", "limits"})
public record ConnectedFrame(String type, String sessionId, boolean persistence, String epoch, Long lastSeq,
                             Boolean recovered, Integer replayed, int maxMessageBytes, String instance,
                             String connectionId, String subject, SendLimits limits) {

    public static ConnectedFrame unpersisted(String sessionId, SendLimits limits, String instance,
                                             String connectionId, String subject) {
        return new ConnectedFrame("connected", sessionId, false, null, null, null, null, limits.maxMessageBytes(),
                instance, connectionId, subject, limits);
    }

    public static ConnectedFrame persisted(String sessionId, String epoch, Long lastSeq, Boolean recovered,
                                           Integer replayed, SendLimits limits, String instance,
                                           String connectionId, String subject) {
        return new ConnectedFrame("connected", sessionId, true, epoch, lastSeq, recovered, replayed,
                limits.maxMessageBytes(), instance, connectionId, subject, limits);
    }
}
