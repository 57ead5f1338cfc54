package io.redischat.bench;

import java.util.LinkedHashMap;
import java.util.Map;

import org.HdrHistogram.Histogram;

/**
 * One measured run: which scenario, its parameters, its numbers (in the order they are reported) and, when it
 * measured latencies, their percentiles.
 */
public record RunResult(String scenario, String label, Map<String, Object> params, Map<String, Object> metrics,
        Latency latency) {

    /** Percentiles in milliseconds of latencies recorded in microseconds. */
    public record Latency(long count, double p50, double p90, double p99, double p999, double max, double mean) {

        static Latency of(Histogram micros) {
            return new Latency(micros.getTotalCount(), ms(micros.getValueAtPercentile(50)),
                    ms(micros.getValueAtPercentile(90)), ms(micros.getValueAtPercentile(99)),
                    ms(micros.getValueAtPercentile(99.9)), ms(micros.getMaxValue()), round(micros.getMean() / 1000));
        }

        private static double ms(long micros) {
            return round(micros / 1000.0);
        }
    }

    /** The number as a reader wants it: three significant decimals at most. */
    static double round(double value) {
        return Math.round(value * 1000) / 1000.0;
    }

    /** A metric, by name, as a number (0 when absent). */
    public double number(String name) {
        Object value = metrics.get(name);
        return value instanceof Number n ? n.doubleValue() : 0;
    }

    static Map<String, Object> ordered() {
        return new LinkedHashMap<>();
    }
}
