package io.redischat.redis.control;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Level;
import java.util.logging.Logger;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocketFactory;
import javax.net.ssl.TrustManagerFactory;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.apache.commons.pool2.impl.GenericObjectPoolConfig;
import org.eclipse.microprofile.config.inject.ConfigProperty;
import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.Connection;
import redis.clients.jedis.DefaultJedisClientConfig;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisClientConfig;
import redis.clients.jedis.RedisClient;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.RedisSentinelClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisConnectionException;

/**
 * The pooled Jedis client every component shares, built lazily from MicroProfile Config so the application
 * starts (and reports why) even when Redis is unreachable. Timeouts bound how long any thread waits on Redis.
 * One Redis, a Sentinel-managed master, or a Cluster, as {@link RedisUrl} says; all typed as {@link UnifiedJedis}.
 */
@ApplicationScoped
public class RedisConnection {

    private static final Logger LOG = Logger.getLogger(RedisConnection.class.getName());

    @Inject
    @ConfigProperties
    RedisSettings settings;

    @Inject
    @ConfigProperties
    StoreSettings storeSettings;

    @Inject
    @ConfigProperty(name = "channel.redis.url", defaultValue = "redis://localhost:6379/0")
    String url;

    private volatile UnifiedJedis client;
    /** After a connection failure or timeout, writes fail at once for a moment instead of each waiting it out. */
    private volatile FailFast failFast;

    /** Why writes fail at once, and until when; none while Redis is answering. */
    private record FailFast(String reason, long untilNanos) {
    }
    private final AtomicInteger subscriberRotation = new AtomicInteger();

    public RedisUrl redisUrl() {
        return RedisUrl.parse(url);
    }

    /** The shared client; creating it opens no connection, so this never blocks on Redis. */
    public UnifiedJedis client() {
        UnifiedJedis current = client;
        if (current == null) {
            synchronized (this) {
                current = client;
                if (current == null) {
                    current = client = create(redisUrl());
                }
            }
        }
        return current;
    }

    UnifiedJedis create(RedisUrl target) {
        var poolConfig = new GenericObjectPoolConfig<Connection>();
        poolConfig.setMaxTotal(settings.poolMaxTotal);
        poolConfig.setMaxIdle(settings.poolMaxIdle);
        poolConfig.setMinIdle(settings.poolMinIdle);
        poolConfig.setMaxWait(Duration.ofMillis(settings.poolMaxWaitMs));
        poolConfig.setBlockWhenExhausted(true);
        // a connection that died with Redis is dropped on return instead of failing the next borrower
        // idle connections are PINGed every second, so those a Redis restart killed are gone before anyone borrows them
        poolConfig.setTestWhileIdle(true);
        poolConfig.setNumTestsPerEvictionRun(-1);
        poolConfig.setTimeBetweenEvictionRuns(Duration.ofSeconds(1));
        LOG.info(() -> "Redis client for " + target + " (connect " + settings.connectTimeoutMs + " ms, socket "
                + settings.socketTimeoutMs + " ms, pool " + settings.poolMaxTotal + ")");
        JedisClientConfig config = clientConfig(target);
        return switch (target.mode()) {
            case STANDALONE -> RedisClient.builder()
                    .hostAndPort(target.hostAndPort())
                    .clientConfig(config)
                    .poolConfig(poolConfig)
                    .build();
            case SENTINEL -> RedisSentinelClient.builder()
                    .masterName(target.masterName())
                    .sentinels(new LinkedHashSet<>(target.nodes()))
                    .clientConfig(config)
                    .sentinelClientConfig(DefaultJedisClientConfig.builder()
                            .connectionTimeoutMillis(settings.connectTimeoutMs)
                            .socketTimeoutMillis(settings.socketTimeoutMs)
                            .ssl(target.tls())
                            .build())
                    .poolConfig(poolConfig)
                    .build();
            case CLUSTER -> RedisClusterClient.builder()
                    .nodes(new LinkedHashSet<>(target.nodes()))
                    .clientConfig(config)
                    .poolConfig(poolConfig)
                    .maxTotalRetriesDuration(Duration.ofMillis(Math.max(2000, 2L * settings.socketTimeoutMs)))
                    .topologyRefreshPeriod(Duration.ofSeconds(2))
                    .build();
        };
    }

    /** Connection settings for one Redis server of the configured deployment. */
    public JedisClientConfig clientConfig(RedisUrl target) {
        var config = DefaultJedisClientConfig.builder()
                .connectionTimeoutMillis(settings.connectTimeoutMs)
                .socketTimeoutMillis(settings.socketTimeoutMs)
                .user(target.user())
                .password(target.password())
                .database(target.mode() == RedisUrl.Mode.CLUSTER ? 0 : target.database())
                .ssl(target.tls())
                .clientName("redis-chat");
        if (target.tls()) {
            var parameters = new SSLParameters();
            parameters.setEndpointIdentificationAlgorithm("HTTPS");
            config.sslParameters(parameters);
            if (settings.truststore != null && settings.truststore.isPresent()) {
                config.sslSocketFactory(trustedSockets());
            }
        }
        return config.build();
    }

    /** TLS sockets that trust the CAs of {@code redis.tls.truststore} (a private CA of the Redis servers). */
    private SSLSocketFactory trustedSockets() {
        try (InputStream in = Files.newInputStream(Path.of(settings.truststore.get()))) {
            KeyStore store = KeyStore.getInstance(settings.truststoreType);
            store.load(in, settings.truststorePassword.orElse("").toCharArray());
            TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
            trust.init(store);
            SSLContext context = SSLContext.getInstance("TLS");
            context.init(null, trust.getTrustManagers(), null);
            return context.getSocketFactory();
        } catch (IOException | GeneralSecurityException e) {
            throw new IllegalStateException("cannot read redis.tls.truststore " + settings.truststore.get() + ": "
                    + e.getClass().getSimpleName(), e);
        }
    }

    /** Why writes should fail at once now (Redis just failed and nothing has answered since), or null. */
    public String failingFast() {
        FailFast window = failFast;
        return window != null && System.nanoTime() - window.untilNanos() < 0 ? window.reason() : null;
    }

    /** A command failed: a timeout or a broken connection opens the fail-fast window and drops idle connections. */
    public void recordFailure(RuntimeException failure) {
        connectionFailed(failure);
        RedisFailure.Kind kind = RedisFailure.kindOf(failure);
        if (kind == RedisFailure.Kind.TIMEOUT || kind == RedisFailure.Kind.CONNECTION) {
            failFast = new FailFast(RedisFailure.describe(failure),
                    System.nanoTime() + storeSettings.failFastMs * 1_000_000);
        }
    }

    /** Redis answered (a status check, the pub/sub probe, a read or a write): the fail-fast window ends. */
    public void recordAnswer() {
        if (failFast != null) {
            failFast = null;
        }
    }

    /**
     * After a connection failure, the other idle pooled connections are most likely dead too (Redis restarted or
     * failed over): drop them so the next commands open fresh ones instead of failing one by one.
     */
    public void connectionFailed(RuntimeException failure) {
        if (!(failure instanceof JedisConnectionException)) {
            return;
        }
        UnifiedJedis current = client;
        try {
            if (current instanceof RedisClient single) {
                single.getPool().clear();
            } else if (current instanceof RedisSentinelClient sentinel) {
                sentinel.getPrimaryNodesConnectionMap().values().forEach(pool -> pool.clear());
            } else if (current instanceof RedisClusterClient cluster) {
                cluster.getClusterNodes().values().forEach(pool -> pool.clear());
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "clearing the pool failed", e);
        }
    }

    /**
     * The server a pub/sub connection should use now: the one server, Sentinel's current master, or any cluster
     * node (classic PUBLISH reaches subscribers on every node of a cluster).
     */
    public HostAndPort subscriberAddress() {
        UnifiedJedis current = client();
        if (current instanceof RedisSentinelClient sentinel) {
            return sentinel.getCurrentMaster();
        }
        if (current instanceof RedisClusterClient cluster) {
            List<String> nodes = new ArrayList<>(cluster.getClusterNodes().keySet());
            if (!nodes.isEmpty()) {
                return HostAndPort.from(nodes.get(subscriberRotation.getAndIncrement() % nodes.size()));
            }
        }
        return redisUrl().hostAndPort();
    }

    @PreDestroy
    public void close() {
        UnifiedJedis current = client;
        if (current != null) {
            current.close();
        }
    }
}
