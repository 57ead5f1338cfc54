package io.redischat.sessions.control;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.security.control.AddressBuckets;

/**
 * New persisted sessions per client address: {@code chat.client.max-new-sessions-per-minute}, bursts as large. A
 * client that starts sessions faster leaves Redis a history and a day-long marker for each; beyond its share, its
 * messages to sessions that do not exist yet are refused.
 */
@ApplicationScoped
public class NewSessionRate {

    @Inject
    @ConfigProperties
    ChatLimits limits;

    private AddressBuckets buckets;

    @PostConstruct
    void start() {
        int perMinute = limits.maxNewSessionsPerMinute;
        buckets = perMinute <= 0 ? null : new AddressBuckets(perMinute, perMinute / 60.0);
    }

    /** Whether this address may start one more session now. */
    public boolean mayStart(String address) {
        return buckets == null || buckets.available(address);
    }

    /** It started one. */
    public void started(String address) {
        if (buckets != null) {
            buckets.take(address);
        }
    }
}
