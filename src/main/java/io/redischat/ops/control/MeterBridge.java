package io.redischat.ops.control;

import java.util.function.Function;

/**
 * Where {@link ChatMetrics} records when the server has no MicroProfile Metrics but another registry (WildFly's
 * Micrometer): the same names, tags and kinds, so the Prometheus text reads the same on every server.
 */
interface MeterBridge {

    /** Registers a counter (so it shows 0 before anything happened) and returns nothing. */
    void counter(String name, String description, String tag, String value);

    void increment(String name, String tag, String value);

    /** Registers a histogram of the given name and tag. */
    void histogram(String name, String description, String tag, String value);

    void record(String name, String tag, String value, long amount);

    <T> void gauge(String name, String description, T source, Function<T, Number> reading);
}
