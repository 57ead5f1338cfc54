package io.redischat.sessions.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

import io.redischat.api.boundary.BadRequestException;
import io.redischat.ops.control.ChatMetrics;
import io.redischat.security.boundary.TokenRequired;
import io.redischat.sessions.control.HistoryUnavailableException;
import io.redischat.sessions.control.MessageLog;
import io.redischat.sessions.control.SessionIds;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.MessagesResponse;

/**
 * {@code GET /chat/api/sessions/{session_id}/messages/}: what Redis holds for a session, oldest first, one page of
 * at most the store's byte budget; {@code has_more} and {@code next_since}/{@code next_before} say how to go on.
 */
@ApplicationScoped
@TokenRequired
@Path("sessions/{session_id}/messages")
@Produces(MediaType.APPLICATION_JSON)
public class SessionMessagesResource {

    static final int MAX_LIMIT = 10_000;

    @Inject
    MessageLog log;

    @Inject
    ChatMetrics metrics;

    @GET
    public MessagesResponse messages(@PathParam("session_id") String sessionId,
                                     @QueryParam("limit") String limit,
                                     @QueryParam("since") String since,
                                     @QueryParam("before") String before) {
        if (!SessionIds.isValid(sessionId)) {
            metrics.rejected("invalid_session_id");
            throw new BadRequestException("invalid session id: " + SessionIds.RULE);
        }
        var query = new HistoryQuery(
                limit == null ? null : (int) number("limit", limit, 1, MAX_LIMIT),
                since == null ? null : number("since", since, 0, HistoryQuery.MAX_SEQ),
                before == null ? null : number("before", before, 1, HistoryQuery.MAX_SEQ));
        if (query.since() != null && query.before() != null) {
            throw new BadRequestException("use either since or before, not both");
        }
        long started = System.nanoTime();
        try {
            return MessagesResponse.of(log.read(sessionId, query).toCompletableFuture().join(), query);
        } catch (java.util.concurrent.CompletionException e) {
            if (e.getCause() instanceof HistoryUnavailableException unavailable) {
                throw unavailable;
            }
            throw e;
        } finally {
            metrics.historyFetch(System.nanoTime() - started);
        }
    }

    private static long number(String name, String text, long min, long max) {
        try {
            long value = Long.parseLong(text.trim());
            if (value >= min && value <= max) {
                return value;
            }
        } catch (NumberFormatException ignored) {
            // answered below
        }
        throw new BadRequestException(name + " must be a whole number from " + min + " to " + max);
    }
}
