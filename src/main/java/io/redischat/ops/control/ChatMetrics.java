package io.redischat.ops.control;

import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Function;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Instance;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Counter;
import org.eclipse.microprofile.metrics.Histogram;
import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The service's metrics, in the application registry (Prometheus text at {@code /metrics?scope=application}), or
 * where the server has no MicroProfile Metrics (WildFly) in its Micrometer registry under the same names.
 * Counters by reason use a tag, so one name covers every reason.
 */
@ApplicationScoped
public class ChatMetrics {

    private static final Logger LOG = Logger.getLogger(ChatMetrics.class.getName());

    @Inject
    Instance<MetricRegistry> registries;

    /** Null on a server without MicroProfile Metrics (WildFly uses Micrometer): then {@link #micrometer}. */
    private MetricRegistry registry;

    /** The server's Micrometer registry where it has no MicroProfile Metrics; null where it has neither. */
    private MeterBridge micrometer;

    private final Map<String, Counter> counters = new ConcurrentHashMap<>();
    private final Map<String, Histogram> histograms = new ConcurrentHashMap<>();

    @PostConstruct
    void describe() {
        if (!registries.isResolvable()) {
            micrometer = micrometer();
            if (micrometer == null) {
                LOG.info("no MicroProfile Metrics and no Micrometer on this server: redis-chat keeps no metrics");
                return;
            }
            LOG.info("no MicroProfile Metrics on this server: redis-chat's metrics go to its Micrometer registry");
            micrometer.counter("chat_messages_received", "messages received from WebSocket clients", null, null);
            micrometer.counter("chat_messages_persisted", "messages Redis confirmed (stored with their reply)", null,
                    null);
            micrometer.counter("chat_messages_failed", "persisted-session messages Redis did not store", null, null);
            micrometer.histogram("chat_redis_command_microseconds", "Redis script round trip in microseconds",
                    "command", "append");
            micrometer.histogram("chat_redis_command_microseconds", "Redis script round trip in microseconds",
                    "command", "history");
            micrometer.histogram("chat_history_fetch_microseconds", "REST history fetch in microseconds", null, null);
            return;
        }
        registry = registries.get();
        counter("chat_messages_received", "messages received from WebSocket clients", null, null);
        counter("chat_messages_persisted", "messages Redis confirmed (stored with their reply)", null, null);
        counter("chat_messages_failed", "persisted-session messages Redis did not store", null, null);
        histogram("chat_redis_command_microseconds", "Redis script round trip in microseconds", "command", "append");
        histogram("chat_redis_command_microseconds", "Redis script round trip in microseconds", "command", "history");
        histogram("chat_history_fetch_microseconds", "REST history fetch in microseconds", null, null);
    }

    public void received() {
        increment("chat_messages_received", null, null);
    }

    public void persisted() {
        increment("chat_messages_persisted", null, null);
    }

    public void failed() {
        increment("chat_messages_failed", null, null);
    }

    /** A Redis call that failed, by kind (connection, timeout, auth, redis_error, overload, not_replicated). */
    public void redisError(String kind) {
        increment("chat_redis_errors", "kind", kind);
    }

    /** Input refused: invalid_session_id, too_big, malformed_json, invalid_message, rate_limited, ... */
    public void rejected(String reason) {
        increment("chat_rejected_inputs", "reason", reason);
    }

    /** An admin API action (list, detail, delete, ttl, export, import, refused), by action. */
    public void adminAction(String action) {
        increment("chat_admin_actions", "action", action);
    }

    /** Redis round trip of one script call, in microseconds (a histogram: Payara's timers mis-scale durations). */
    public void redisCommand(String command, long nanos) {
        update("chat_redis_command_microseconds", "command", command, nanos / 1000);
    }

    public void historyFetch(long nanos) {
        update("chat_history_fetch_microseconds", null, null, nanos / 1000);
    }

    public <T> void gauge(String name, String description, T source, Function<T, Number> reading) {
        if (registry == null) {
            if (micrometer != null) {
                micrometer.gauge(name, description, source, reading);
            }
            return;
        }
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), source, reading);
    }

    // Metrics never break the work they measure; the registry is only asked once per name and tag, because
    // Payara's registry fails under concurrent creation of the same metric.

    private void increment(String name, String tag, String value) {
        if (registry == null && micrometer == null) {
            return;
        }
        try {
            if (registry == null) {
                micrometer.increment(name, tag, value);
                return;
            }
            counter(name, null, tag, value).inc();
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric " + name + " not updated", e);
        }
    }

    private void update(String name, String tag, String value, long amount) {
        if (registry == null && micrometer == null) {
            return;
        }
        try {
            if (registry == null) {
                micrometer.record(name, tag, value, amount);
                return;
            }
            histogram(name, null, tag, value).update(amount);
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, "metric " + name + " not updated", e);
        }
    }

    /**
     * The server's Micrometer registry, or null: Micrometer is looked up by name first, since the WAR does not bundle
     * it and {@link MicrometerMeters} cannot load without it.
     */
    private static MeterBridge micrometer() {
        try {
            Class.forName(MicrometerMeters.REGISTRY_CLASS, false, ChatMetrics.class.getClassLoader());
        } catch (ClassNotFoundException | LinkageError absent) {
            return null;
        }
        try {
            return MicrometerMeters.fromServer().orElse(null);
        } catch (RuntimeException | LinkageError e) {
            LOG.log(Level.WARNING, "Micrometer is there but its registry could not be used", e);
            return null;
        }
    }

    private Counter counter(String name, String description, String tag, String value) {
        return counters.computeIfAbsent(name + "|" + value, key -> {
            synchronized (registry) {
                var metadata = Metadata.builder().withName(name).withDescription(description == null ? "" : description);
                return tag == null ? registry.counter(metadata.build()) : registry.counter(metadata.build(), new Tag(tag, value));
            }
        });
    }

    private Histogram histogram(String name, String description, String tag, String value) {
        return histograms.computeIfAbsent(name + "|" + value, key -> {
            synchronized (registry) {
                var metadata = Metadata.builder().withName(name).withDescription(description == null ? "" : description);
                return tag == null ? registry.histogram(metadata.build())
                        : registry.histogram(metadata.build(), new Tag(tag, value));
            }
        });
    }
}
