package io.redischat.security.control;

import java.util.concurrent.ConcurrentHashMap;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

/**
 * WebSocket handshakes per client address: a token bucket each, refilled at {@code
 * chat.client.max-handshakes-per-second} with bursts of twice as many. Buckets that are full again are dropped, so
 * the map holds only the addresses that shook hands lately.
 */
@ApplicationScoped
public class HandshakeRate {

    private static final int FORGET_ABOVE = 10_000;

    @Inject
    @ConfigProperties
    NetworkSettings settings;

    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    private static final class Bucket {
        double tokens;
        long refilledNanos;
    }

    /** False when this address opened more handshakes than it may right now. */
    public boolean tryAcquire(String address) {
        int perSecond = settings.maxHandshakesPerSecond;
        if (perSecond <= 0) {
            return true;
        }
        if (buckets.size() > FORGET_ABOVE) {
            forgetFull(perSecond);
        }
        long now = System.nanoTime();
        boolean[] allowed = new boolean[1];
        buckets.compute(address, (key, bucket) -> {
            Bucket current = bucket;
            if (current == null) {
                current = new Bucket();
                current.tokens = 2.0 * perSecond;
            } else {
                current.tokens = Math.min(2.0 * perSecond,
                        current.tokens + (now - current.refilledNanos) / 1e9 * perSecond);
            }
            current.refilledNanos = now;
            if (current.tokens >= 1) {
                current.tokens -= 1;
                allowed[0] = true;
            }
            return current;
        });
        return allowed[0];
    }

    private void forgetFull(int perSecond) {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(entry -> entry.getValue().tokens
                + (now - entry.getValue().refilledNanos) / 1e9 * perSecond >= 2.0 * perSecond);
    }
}
