package io.redischat.security.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * WebSocket handshakes per client address: {@code chat.client.max-handshakes-per-second}, with bursts of twice as
 * many.
 */
@ApplicationScoped
public class HandshakeRate {

    @Inject
    @ConfigProperties
    NetworkSettings settings;

    private AddressBuckets buckets;

    @PostConstruct
    void start() {
        int perSecond = settings.maxHandshakesPerSecond;
        buckets = perSecond <= 0 ? null : new AddressBuckets(2.0 * perSecond, perSecond);
    }

    /** False when this address opened more handshakes than it may right now. */
    public boolean tryAcquire(String address) {
        return buckets == null || buckets.tryTake(address);
    }
}
