package io.redischat.redis.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The guide's {@code /api/redis/status/} answer (success, redis_connected, redis_url, default_ttl) plus, when
 * connected, the server version and the PING round trip, whether pub/sub delivers, and when not connected, why.
 */
@JsonbPropertyOrder({"success", "redisConnected", "redisUrl", "defaultTtl", "redisVersion", "latencyMs",
        "pubsubDelivering", "error"})
public record RedisStatus(
        boolean success,
        @JsonbProperty("redis_connected") boolean redisConnected,
        @JsonbProperty("redis_url") String redisUrl,
        @JsonbProperty("default_ttl") long defaultTtl,
        @JsonbProperty("redis_version") String redisVersion,
        @JsonbProperty("latency_ms") Double latencyMs,
        @JsonbProperty("pubsub_delivering") Boolean pubsubDelivering,
        String error) {

    /** The same status with whether this instance's pub/sub probe comes back. */
    public RedisStatus withPubsub(boolean delivering) {
        return new RedisStatus(success, redisConnected, redisUrl, defaultTtl, redisVersion, latencyMs, delivering, error);
    }
}
