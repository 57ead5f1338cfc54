package io.redischat.sessions.control;

import java.util.concurrent.CompletionStage;

import io.redischat.sessions.entity.ExchangeRequest;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;

/**
 * What chat needs from a store of session histories. Both calls return at once; their stages complete when the
 * store answered, or exceptionally with a {@link HistoryUnavailableException} saying why in words fit for a client.
 */
public interface MessageLog {

    /** Stores a user message and the server's reply {@code Message #N: content} as one step, once per key. */
    default CompletionStage<StoredExchange> append(ExchangeRequest request) {
        return append(request, true);
    }

    /**
     * The same; unless {@code mayStartSession}, a message to a session that has no history is refused with a
     * {@link SessionRefusedException} and nothing is stored.
     */
    CompletionStage<StoredExchange> append(ExchangeRequest request, boolean mayStartSession);

    /** Reads part of a session's history with the session's epoch and last seq. */
    CompletionStage<SessionHistory> read(String sessionId, HistoryQuery query);
}
