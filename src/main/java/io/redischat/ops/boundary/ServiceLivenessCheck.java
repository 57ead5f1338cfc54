package io.redischat.ops.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Liveness;

import io.redischat.redis.control.LiveSubscriber;
import io.redischat.sessions.control.ConnectionLimits;
import io.redischat.sessions.control.SessionFeeds;

/**
 * Alive while the service's own machinery runs (the pub/sub loop thread). Redis being down does not make the
 * instance dead: restarting it would not help, readiness covers that.
 */
@Liveness
@ApplicationScoped
public class ServiceLivenessCheck implements HealthCheck {

    @Inject
    LiveSubscriber subscriber;

    @Inject
    ConnectionLimits limits;

    @Inject
    SessionFeeds feeds;

    @Override
    public HealthCheckResponse call() {
        return HealthCheckResponse.named("chat")
                .status(subscriber.running())
                .withData("open_connections", limits.openConnections())
                .withData("live_sessions", feeds.liveSessions())
                .build();
    }
}
