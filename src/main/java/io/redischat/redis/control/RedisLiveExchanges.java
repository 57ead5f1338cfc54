package io.redischat.redis.control;

import java.util.concurrent.CompletionStage;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.LogText;
import io.redischat.sessions.control.LiveExchanges;

/** Live exchanges through Redis pub/sub: one channel per session, carrying what append.lua published. */
@ApplicationScoped
public class RedisLiveExchanges implements LiveExchanges {

    private static final Logger LOG = Logger.getLogger(RedisLiveExchanges.class.getName());

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    LiveSubscriber subscriber;

    private final DeliveredHere deliveredHere = new DeliveredHere();

    @Override
    public CompletionStage<Void> subscribe(String sessionId, Listener listener) {
        return subscriber.subscribe(channel(sessionId), new SessionChannel(sessionId, listener, deliveredHere));
    }

    @Override
    public void unsubscribe(String sessionId, Listener listener) {
        subscriber.unsubscribe(channel(sessionId), new SessionChannel(sessionId, listener, deliveredHere));
    }

    @Override
    public void deliveredHere(String sessionId, String epoch, long replySeq) {
        deliveredHere.note(sessionId, epoch, replySeq);
    }

    @Override
    public String instanceId() {
        return subscriber.instanceId();
    }

    private String channel(String sessionId) {
        return SessionKeys.of(settings.keyPrefix, sessionId).live();
    }

    /** Equal for equal session and listener, so an unsubscribe finds the subscription it ends. */
    private record SessionChannel(String sessionId, Listener listener, DeliveredHere deliveredHere)
            implements LiveSubscriber.ChannelListener {

        @Override
        public void onMessage(String payload) {
            DeliveredHere.Noted noted = DeliveredHere.scan(payload);
            if (noted != null && deliveredHere.take(sessionId, noted.epoch(), noted.replySeq())) {
                return;
            }
            try {
                listener.onExchange(LivePayload.parse(sessionId, payload, false));
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "unreadable live payload in session " + LogText.of(sessionId) + ": " + LogText.of(e.getMessage()));
                listener.onUnreadable();
            }
        }

        @Override
        public void onInterrupted() {
            listener.onInterrupted();
        }

        @Override
        public void onRestored() {
            listener.onRestored();
        }
    }
}
