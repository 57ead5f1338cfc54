package io.redischat.sessions.control;

import java.util.concurrent.CompletionException;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ConnectedFrame;
import io.redischat.sessions.entity.ErrorCode;
import io.redischat.sessions.entity.ErrorFrame;
import io.redischat.sessions.entity.ExchangeRequest;
import io.redischat.sessions.entity.InboundMessage;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.SendLimits;

/**
 * What a connection sends: a message on a persisted connection is stored (in the order the client sent them) and
 * reaches every connection of the session through its {@link SessionFeeds feed}; without persistence, or when the
 * store fails, the sender alone gets its message and an unstored reply.
 */
@ApplicationScoped
public class MessageIntake {

    private static final Logger LOG = Logger.getLogger(MessageIntake.class.getName());

    @Inject
    @ConfigProperties
    ChatLimits limits;

    @Inject
    MessageLog log;

    @Inject
    SessionFeeds feeds;

    @Inject
    NewSessionRate newSessions;

    @Inject
    LiveExchanges live;

    @Inject
    OutboundFrames frames;

    @Inject
    ChatMetrics metrics;

    /** Starts the connection's life in its session: persisted ones through the feed, others at once. */
    public void open(ChatConnection connection, ResumePoint resume) {
        SendLimits sendLimits = limits.sendLimits();
        if (connection.persistent()) {
            feeds.join(connection, resume, sendLimits);
        } else {
            connection.sendConnected(frames.toJson(ConnectedFrame.unpersisted(connection.sessionId(), sendLimits,
                    live.instanceId(), connection.connectionId(), connection.subject())));
        }
    }

    public void close(ChatConnection connection) {
        if (connection.persistent()) {
            feeds.leave(connection);
        }
    }

    public void reject(ChatConnection connection, ErrorCode code, String message, String clientId) {
        connection.send(frames.toJson(ErrorFrame.of(code, message, clientId)));
    }

    public void receive(ChatConnection from, InboundMessage message) {
        long now = System.currentTimeMillis();
        metrics.received();
        if (!from.persistent()) {
            answerUnstored(from, message, from.nextLocalNumber(), now);
            return;
        }
        int size = message.content().length();
        if (!from.tryStartWrite(limits.maxPendingWrites, size, limits.maxPendingBytes)) {
            metrics.rejected("too_many_pending");
            reject(from, ErrorCode.TOO_MANY_PENDING, "more than " + limits.maxPendingWrites + " messages or "
                    + limits.maxPendingBytes + " bytes are waiting for Redis; this one was not stored",
                    message.clientId());
            return;
        }
        boolean mayStartSession = newSessions.mayStart(from.clientAddress());
        String idempotencyKey = message.hasClientId() ? from.clientKey(message.clientId()) : from.nextIdempotencyKey();
        // made when the previous write is done: a reply it could not store has its number by then
        from.afterPreviousWrite(() -> log.append(new ExchangeRequest(from.sessionId(), message.content(),
                message.clientId(), from.author(), idempotencyKey, from.from(), now, from.lastNumber()),
                mayStartSession)).whenComplete((stored, failure) -> {
            from.finishWrite(size);
            try {
                if (causeOf(failure) instanceof SessionRefusedException refused) {
                    metrics.rejected(ErrorCode.SESSION_REFUSED.wire());
                    answerUnstored(from, message, from.nextLocalNumber(), now);
                    reject(from, ErrorCode.SESSION_REFUSED, "message not stored: " + refused.getMessage(),
                            message.clientId());
                } else if (causeOf(failure) instanceof ClientIdReusedException reused) {
                    // not stored, and not a store failure: this client gave the id to another message before
                    metrics.rejected(ErrorCode.CLIENT_ID_REUSED.wire());
                    reject(from, ErrorCode.CLIENT_ID_REUSED, reused.getMessage(), message.clientId());
                } else if (failure != null) {
                    metrics.failed();
                    answerUnstored(from, message, from.nextLocalNumber(), now);
                    reject(from, ErrorCode.REDIS_UNAVAILABLE, "message not stored: " + reason(failure),
                            message.clientId());
                } else if (stored.duplicate() && message.hasClientId()) {
                    // the client sent this clientId before: it gets the first answer again, marked as such
                    metrics.persisted();
                    for (ChatMessage answer : stored.messages()) {
                        from.send(frames.toJson(MessageFrame.stored(answer, stored.epoch(), message.clientId(), true)));
                    }
                } else {
                    metrics.persisted();
                    if (stored.number() == 1 && !stored.duplicate()) {
                        newSessions.started(from.clientAddress());
                    }
                    feeds.stored(from.sessionId(), stored);
                }
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "answering a message failed in session " + from.sessionId() + " "
                        + from.logText(), e);
            }
        });
    }

    private static Throwable causeOf(Throwable failure) {
        Throwable cause = failure;
        while (cause instanceof CompletionException && cause.getCause() != null) {
            cause = cause.getCause();
        }
        return cause;
    }

    private static String reason(Throwable failure) {
        Throwable cause = failure;
        while (cause.getCause() != null && !(cause instanceof HistoryUnavailableException)) {
            cause = cause.getCause();
        }
        return cause instanceof HistoryUnavailableException ? cause.getMessage() : cause.getClass().getSimpleName();
    }

    private void answerUnstored(ChatConnection to, InboundMessage message, long number, long now) {
        var sent = new ChatMessage(message.content(), now, true, to.sessionId(), null, to.from());
        var reply = new ChatMessage(ReplyText.of(number, message.content()), now, false, to.sessionId(), null,
                to.from());
        to.send(frames.toJson(MessageFrame.unstored(sent, message.clientId())));
        to.send(frames.toJson(MessageFrame.unstored(reply, message.clientId())));
    }
}
