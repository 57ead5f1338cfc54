package io.redischat.redis.control;

import io.redischat.sessions.control.DaemonThreadFactory;

import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.redis.entity.RedisStatus;

/**
 * Asks Redis whether it answers, on a thread of its own, and gives up after a short wait: a stopped or hung Redis
 * makes the status say so at once instead of holding the request.
 */
@ApplicationScoped
public class RedisProbe {

    @Inject
    @ConfigProperties
    RedisSettings redisSettings;

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    RedisConnection redis;

    private ExecutorService probes;
    private volatile String version;

    @PostConstruct
    void start() {
        probes = new ThreadPoolExecutor(1, 2, 30, TimeUnit.SECONDS, new ArrayBlockingQueue<>(4),
                new DaemonThreadFactory("redis-chat-status-probe"));
    }

    @PreDestroy
    void stop() {
        probes.shutdownNow();
    }

    public RedisStatus status() {
        String url;
        try {
            url = redis.redisUrl().toString();
        } catch (IllegalArgumentException e) {
            return new RedisStatus(true, false, "invalid", redisSettings.sessionTtlSeconds, null, null, null, e.getMessage());
        }
        try {
            double latency = CompletableFuture.supplyAsync(this::ping, probes).get(settings.statusTimeoutMs, TimeUnit.MILLISECONDS);
            return new RedisStatus(true, true, url, redisSettings.sessionTtlSeconds, version, latency, null, null);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return new RedisStatus(true, false, url, redisSettings.sessionTtlSeconds, null, null, null, "interrupted");
        } catch (Exception e) {
            version = null;
            if (e instanceof java.util.concurrent.ExecutionException failed
                    && failed.getCause() instanceof RuntimeException cause) {
                redis.connectionFailed(cause);
            }
            return new RedisStatus(true, false, url, redisSettings.sessionTtlSeconds, null, null, null, RedisFailure.describe(e));
        }
    }

    private double ping() {
        var client = redis.client();
        long started = System.nanoTime();
        client.ping();
        redis.recordAnswer();
        double latencyMs = (System.nanoTime() - started) / 1_000_000.0;
        if (version == null) {
            try {
                version = serverVersion(client.info("server"));
            } catch (RuntimeException e) {
                // INFO may be denied to a restricted ACL user; the version is only informative
                version = "unknown";
            }
        }
        return Math.round(latencyMs * 1000) / 1000.0;
    }

    static String serverVersion(String info) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith("redis_version:")) {
                return line.substring("redis_version:".length()).trim();
            }
        }
        return null;
    }
}
