package io.redischat.sessions.control;

import java.util.concurrent.CompletionStage;

import io.redischat.sessions.entity.StoredExchange;

/**
 * The live feed of stored exchanges per session, from every instance that shares the store. At most once: what is
 * lost is found again in the history, which is why a listener is told when delivery was interrupted.
 */
public interface LiveExchanges {

    /** What a session's subscriber learns; called on the feed's own thread, so it must not block. */
    interface Listener {
        void onExchange(StoredExchange exchange);

        /** A published message could not be read (another version, say): the history has it. */
        void onUnreadable();

        /** Messages published from now until {@link #onRestored()} are not delivered. */
        void onInterrupted();

        /** Delivering again after an interruption. */
        void onRestored();
    }

    /**
     * This instance stored the exchange and its feed has it: the copy the live feed brings back here may be dropped
     * unread (an optimisation; a listener must still take a repeated exchange in its stride).
     */
    default void deliveredHere(String sessionId, String epoch, long replySeq) {
    }

    /** Completes once every exchange stored from then on reaches the listener. */
    CompletionStage<Void> subscribe(String sessionId, Listener listener);

    /** Ends the listener's subscription; a later subscribe of another listener of that session is unaffected. */
    void unsubscribe(String sessionId, Listener listener);

    /** This application instance's name, fresh at every start. */
    String instanceId();
}
