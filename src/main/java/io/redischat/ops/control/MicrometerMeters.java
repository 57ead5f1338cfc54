package io.redischat.ops.control;

import java.util.Optional;
import java.util.function.Function;

import jakarta.enterprise.inject.spi.CDI;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;

/**
 * The metrics in the server's Micrometer registry (WildFly's {@code micrometer} subsystem, which exports it as
 * Prometheus text). Loaded only where Micrometer is on the application's class path: the WAR does not bundle it, so
 * on Payara this class is never touched. Counters export as {@code <name>_total}, as MicroProfile Metrics does on
 * Payara; histograms as a distribution summary ({@code _count}, {@code _sum}, {@code _max}, no buckets).
 */
final class MicrometerMeters implements MeterBridge {

    static final String REGISTRY_CLASS = "io.micrometer.core.instrument.MeterRegistry";

    private final MeterRegistry registry;

    private MicrometerMeters(MeterRegistry registry) {
        this.registry = registry;
    }

    /** The server's registry, when it offers one to the application through CDI. */
    static Optional<MeterBridge> fromServer() {
        var registries = CDI.current().select(MeterRegistry.class);
        return registries.isResolvable() ? Optional.of(new MicrometerMeters(registries.get())) : Optional.empty();
    }

    // Only the registry's own methods (counter, summary, gauge by name and tags): WildFly's per-deployment registry
    // forwards those to the exported one with the deployment's tag; a meter built with Counter.builder(...)
    // .register(registry) stays in the deployment's registry and is never exported. They take no description.

    @Override
    public void counter(String name, String description, String tag, String value) {
        registry.counter(name, tags(tag, value));
    }

    @Override
    public void increment(String name, String tag, String value) {
        registry.counter(name, tags(tag, value)).increment();
    }

    @Override
    public void histogram(String name, String description, String tag, String value) {
        registry.summary(name, tags(tag, value));
    }

    @Override
    public void record(String name, String tag, String value, long amount) {
        registry.summary(name, tags(tag, value)).record(amount);
    }

    /** Micrometer keeps a weak reference to {@code source}: the sources are application-scoped beans. */
    @Override
    public <T> void gauge(String name, String description, T source, Function<T, Number> reading) {
        registry.gauge(name, Tags.empty(), source, s -> reading.apply(s).doubleValue());
    }

    private static Tags tags(String tag, String value) {
        return tag == null ? Tags.empty() : Tags.of(tag, value);
    }
}
