package io.redischat.redis.boundary;

import jakarta.enterprise.context.RequestScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;

import io.redischat.redis.control.LiveSubscriber;
import io.redischat.redis.control.RedisProbe;
import io.redischat.redis.entity.RedisStatus;

/** {@code GET /chat/api/redis/status/}: is Redis reachable, where (without the password), and the default TTL. */
@RequestScoped
@Path("redis/status")
@Produces(MediaType.APPLICATION_JSON)
public class RedisStatusResource {

    @Inject
    RedisProbe probe;

    @Inject
    LiveSubscriber subscriber;

    @GET
    public RedisStatus status() {
        return probe.status().withPubsub(subscriber.delivering());
    }
}
