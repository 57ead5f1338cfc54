package io.redischat.bench;

import java.nio.file.Path;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

/**
 * What one benchmark run does, from {@code -Dbench.*} system properties. A list property given on the command line
 * replaces the scenario's own default list; each scenario documents its defaults in the README.
 */
public record BenchConfig(
        List<String> scenarios,
        Map<String, String> overrides,
        Duration warmup,
        Duration duration,
        Duration stall,
        Path output,
        String url,
        String serverHeap) {

    static final String PREFIX = "bench.";

    public static BenchConfig fromSystemProperties() {
        var overrides = new java.util.TreeMap<String, String>();
        System.getProperties().stringPropertyNames().stream().filter(name -> name.startsWith(PREFIX))
                .forEach(name -> overrides.put(name.substring(PREFIX.length()), System.getProperty(name).trim()));
        overrides.values().removeIf(String::isEmpty);
        return of(overrides);
    }

    /** A configuration from {@code bench.}-less property names ({@code scenario}, {@code connections}, ...). */
    public static BenchConfig of(Map<String, String> properties) {
        var p = Map.copyOf(properties);
        Path base = Path.of(p.getOrDefault("basedir", "."));
        return new BenchConfig(
                split(p.getOrDefault("scenario", "roundtrip")),
                p,
                seconds(p.getOrDefault("warmup", "5")),
                seconds(p.getOrDefault("duration", "15")),
                seconds(p.getOrDefault("stall", "5")),
                base.resolve(p.getOrDefault("output", "target/bench")),
                p.get("url"),
                p.getOrDefault("server.heap", "1g"));
    }

    /**
     * A list property, or {@code defaults} (comma-separated) when it was not given. A name such as
     * {@code openloop.payload} falls back to {@code payload}: one scenario can be given its own list.
     */
    public <T> List<T> list(String name, String defaults, Function<String, T> parse) {
        String value = overrides.get(name);
        int dot = name.indexOf('.');
        if (value == null && dot > 0) {
            value = overrides.get(name.substring(dot + 1));
        }
        return split(value == null ? defaults : value).stream().map(parse).toList();
    }

    public List<Integer> ints(String name, String defaults) {
        return list(name, defaults, Integer::valueOf);
    }

    public int integer(String name, int defaults) {
        return Integer.parseInt(overrides.getOrDefault(name, Integer.toString(defaults)));
    }

    public String string(String name, String defaults) {
        return overrides.getOrDefault(name, defaults);
    }

    public Duration time(String name, Duration defaults) {
        String value = overrides.get(name);
        return value == null ? defaults : seconds(value);
    }

    public Path basedir() {
        return Path.of(overrides.getOrDefault("basedir", "."));
    }

    /** {@code on}/{@code off} (or true/false) as booleans. */
    public List<Boolean> persistence(String name, String defaults) {
        return list(name, defaults, value -> switch (value.toLowerCase(java.util.Locale.ROOT)) {
            case "on", "true", "yes", "1" -> true;
            case "off", "false", "no", "0" -> false;
            default -> throw new IllegalArgumentException("bench.persistence: on or off, not " + value);
        });
    }

    static List<String> split(String list) {
        return Arrays.stream(list.split(",")).map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    static Duration seconds(String value) {
        return Duration.ofMillis(Math.round(Double.parseDouble(value) * 1000));
    }
}
