package io.redischat.admin.control;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.UnifiedJedis;

import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.StoreSettings;
import io.redischat.sessions.control.ChatConnection;
import io.redischat.sessions.control.ConnectionLimits;
import io.redischat.sessions.control.DaemonThreadFactory;
import io.redischat.sessions.control.LiveExchanges;

/**
 * Open connections per session across all instances. Every {@link #REFRESH_MS} each instance writes its own counts to
 * one hash, {@code chat:instance:{id}:connections} (session id to sockets), which expires after {@link #EXPIRE_MS}, and
 * lists itself in the sorted set {@code chat:instances} scored by that expiry: an instance that dies drops out by
 * itself, from the hash at once and from the set at the next reader. Readers sum the live instances' hashes.
 */
@ApplicationScoped
public class InstanceConnections {

    static final long REFRESH_MS = 2000;
    static final long EXPIRE_MS = 3 * REFRESH_MS;
    private static final Logger LOG = Logger.getLogger(InstanceConnections.class.getName());

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    RedisConnection redis;

    @Inject
    ConnectionLimits connections;

    @Inject
    LiveExchanges live;

    @Inject
    AdminAccess access;

    private ScheduledExecutorService timer;

    /** Only with the admin API on: without it nobody reads the counts, and Redis is spared the writes. */
    @PostConstruct
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("redis-chat-instance-counts"));
        if (access.token() != null) {
            timer.scheduleWithFixedDelay(this::publish, 0, REFRESH_MS, TimeUnit.MILLISECONDS);
        }
    }

    /** Made with the application, so the counts are published before anyone asks. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
        if (access.token() == null) {
            return;
        }
        try {
            UnifiedJedis client = redis.client();
            client.del(hash(live.instanceId()));
            client.zrem(registry(), live.instanceId());
        } catch (RuntimeException e) {
            // it expires by itself
        }
    }

    void publish() {
        try {
            Map<String, String> counts = new HashMap<>();
            for (ChatConnection connection : connections.open()) {
                counts.merge(connection.sessionId(), "1", (a, b) -> Long.toString(Long.parseLong(a) + 1));
            }
            UnifiedJedis client = redis.client();
            String key = hash(live.instanceId());
            long expiresAt = System.currentTimeMillis() + EXPIRE_MS;
            client.del(key);
            if (!counts.isEmpty()) {
                client.hset(key, counts);
                client.pexpire(key, EXPIRE_MS);
            }
            client.zadd(registry(), expiresAt, live.instanceId());
            client.pexpire(registry(), EXPIRE_MS);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "instance connection counts not published", e);
        }
    }

    /** Open connections of each session on all live instances (0 for a session nobody is connected to). */
    public Map<String, Long> of(List<String> sessionIds) {
        Map<String, Long> total = new HashMap<>();
        if (sessionIds.isEmpty()) {
            return total;
        }
        UnifiedJedis client = redis.client();
        client.zremrangeByScore(registry(), Double.NEGATIVE_INFINITY, System.currentTimeMillis());
        String[] fields = sessionIds.toArray(String[]::new);
        for (String instance : client.zrange(registry(), 0, -1)) {
            List<String> counts = client.hmget(hash(instance), fields);
            for (int i = 0; i < fields.length; i++) {
                if (counts.get(i) != null) {
                    total.merge(fields[i], Long.parseLong(counts.get(i)), Long::sum);
                }
            }
        }
        return total;
    }

    /** The live instances' ids. */
    public List<String> instances() {
        UnifiedJedis client = redis.client();
        client.zremrangeByScore(registry(), Double.NEGATIVE_INFINITY, System.currentTimeMillis());
        return new ArrayList<>(client.zrange(registry(), 0, -1));
    }

    private String registry() {
        return settings.keyPrefix + ":instances";
    }

    private String hash(String instance) {
        return settings.keyPrefix + ":instance:{" + instance + "}:connections";
    }
}
