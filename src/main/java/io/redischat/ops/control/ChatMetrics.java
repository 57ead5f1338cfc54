package io.redischat.ops.control;

import java.util.function.Function;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.metrics.Metadata;
import org.eclipse.microprofile.metrics.MetricRegistry;
import org.eclipse.microprofile.metrics.Tag;

/**
 * The service's metrics, in the application registry (Prometheus text at {@code /metrics?scope=application}).
 * Counters by reason use a tag, so one name covers every reason.
 */
@ApplicationScoped
public class ChatMetrics {

    @Inject
    MetricRegistry registry;

    @PostConstruct
    void describe() {
        registry.counter(Metadata.builder().withName("chat_messages_received")
                .withDescription("messages received from WebSocket clients").build());
        registry.counter(Metadata.builder().withName("chat_messages_persisted")
                .withDescription("messages Redis confirmed (stored with their reply)").build());
        registry.counter(Metadata.builder().withName("chat_messages_failed")
                .withDescription("persisted-session messages Redis did not store").build());
    }

    public void received() {
        registry.counter("chat_messages_received").inc();
    }

    public void persisted() {
        registry.counter("chat_messages_persisted").inc();
    }

    public void failed() {
        registry.counter("chat_messages_failed").inc();
    }

    /** A Redis call that failed, by kind (connection, timeout, auth, script, overload, ...). */
    public void redisError(String kind) {
        registry.counter("chat_redis_errors", new Tag("kind", kind)).inc();
    }

    /** Input refused: invalid_session_id, too_big, malformed_json, invalid_message, rate_limited, origin, ... */
    public void rejected(String reason) {
        registry.counter("chat_rejected_inputs", new Tag("reason", reason)).inc();
    }

    /** Redis round trip of one script call, in microseconds (a histogram: Payara's timers mis-scale durations). */
    public void redisCommand(String command, long nanos) {
        registry.histogram(Metadata.builder().withName("chat_redis_command_microseconds")
                        .withDescription("Redis script round trip (append, history) in microseconds").build(),
                new Tag("command", command)).update(nanos / 1000);
    }

    public void historyFetch(long nanos) {
        registry.histogram(Metadata.builder().withName("chat_history_fetch_microseconds")
                .withDescription("REST history fetch in microseconds").build()).update(nanos / 1000);
    }

    public <T> void gauge(String name, String description, T source, Function<T, Number> reading) {
        registry.gauge(Metadata.builder().withName(name).withDescription(description).build(), source, reading);
    }
}
