package io.redischat.redis.control;

import java.util.Optional;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How to talk to Redis ({@code redis.*}; the server's address is {@code channel.redis.url}): timeouts, pool, TLS
 * trust, and the session TTL the guide names {@code REDIS_SESSION_TTL}. The defaults here are the only ones.
 */
@ConfigProperties(prefix = "redis")
@Dependent
public class RedisSettings {

    /** Seconds a session's history lives after its last write. */
    @ConfigProperty(name = "session.ttl", defaultValue = "300")
    public long sessionTtlSeconds;

    @ConfigProperty(name = "timeout.connect-ms", defaultValue = "1000")
    public int connectTimeoutMs;

    @ConfigProperty(name = "timeout.socket-ms", defaultValue = "1000")
    public int socketTimeoutMs;

    @ConfigProperty(name = "pool.max-total", defaultValue = "16")
    public int poolMaxTotal;

    @ConfigProperty(name = "pool.max-idle", defaultValue = "16")
    public int poolMaxIdle;

    @ConfigProperty(name = "pool.min-idle", defaultValue = "0")
    public int poolMinIdle;

    @ConfigProperty(name = "pool.max-wait-ms", defaultValue = "500")
    public int poolMaxWaitMs;

    /** A trust store with the CA of the Redis servers, for {@code rediss://} with a private CA. */
    @ConfigProperty(name = "tls.truststore")
    public Optional<String> truststore = Optional.empty();

    @ConfigProperty(name = "tls.truststore-password")
    public Optional<String> truststorePassword = Optional.empty();

    @ConfigProperty(name = "tls.truststore-type", defaultValue = "PKCS12")
    public String truststoreType = "PKCS12";
}
