package io.redischat.redis.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * The guide's {@code /api/redis/status/} answer (success, redis_connected, redis_url, default_ttl) plus, when
 * connected, the server version and the PING round trip, and when not, why.
 */
@JsonbPropertyOrder({"success", "redisConnected", "redisUrl", "defaultTtl", "redisVersion", "latencyMs", "error"})
public record RedisStatus(
        boolean success,
        @JsonbProperty("redis_connected") boolean redisConnected,
        @JsonbProperty("redis_url") String redisUrl,
        @JsonbProperty("default_ttl") long defaultTtl,
        @JsonbProperty("redis_version") String redisVersion,
        @JsonbProperty("latency_ms") Double latencyMs,
        String error) {
}
