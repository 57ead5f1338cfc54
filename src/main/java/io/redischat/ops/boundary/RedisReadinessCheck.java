package io.redischat.ops.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.redischat.redis.control.LiveSubscriber;
import io.redischat.redis.control.RedisProbe;
import io.redischat.redis.entity.RedisStatus;

/**
 * Ready when Redis answers PING and pub/sub still delivers: this instance's probe message, published through
 * Redis, came back recently. PING alone stays green through a failover that wedged the subscription.
 */
@Readiness
@ApplicationScoped
public class RedisReadinessCheck implements HealthCheck {

    @Inject
    RedisProbe probe;

    @Inject
    LiveSubscriber subscriber;

    @Override
    public HealthCheckResponse call() {
        RedisStatus status = probe.status();
        boolean delivering = subscriber.delivering();
        var response = HealthCheckResponse.named("redis")
                .status(status.redisConnected() && delivering)
                .withData("redis_connected", status.redisConnected())
                .withData("pubsub_delivering", delivering)
                .withData("pubsub_reconnects", subscriber.reconnects())
                .withData("redis_url", status.redisUrl());
        if (status.error() != null) {
            response.withData("error", status.error());
        } else if (!delivering && subscriber.lastError() != null) {
            response.withData("error", subscriber.lastError());
        }
        return response.build();
    }
}
