package io.redischat.ops.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.health.HealthCheck;
import org.eclipse.microprofile.health.HealthCheckResponse;
import org.eclipse.microprofile.health.Readiness;

import io.redischat.sessions.control.ConnectionLimits;

/** Not ready while the instance holds as many connections as it may: a load balancer should send others elsewhere. */
@Readiness
@ApplicationScoped
public class CapacityReadinessCheck implements HealthCheck {

    @Inject
    ConnectionLimits limits;

    @Override
    public HealthCheckResponse call() {
        int open = limits.openConnections();
        int max = limits.maxConnections();
        return HealthCheckResponse.named("connections")
                .status(open < max)
                .withData("open_connections", open)
                .withData("max_connections", max)
                .build();
    }
}
