package io.redischat.bench;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

/**
 * The benchmark instrument at toy sizes, in the test command so that it never rots: every scenario's code path with
 * two sockets for about a second each. It checks that the instrument works (round trips happen, what was
 * acknowledged is in the REST API, every report file is written), never how fast anything is.
 */
class BenchSmokeIT {

    @Test
    void everyScenarioRunsAndTheAcknowledgedMessagesAreInTheRestApi() throws Exception {
        Path basedir = Path.of(System.getProperty("basedir", "")).toAbsolutePath();
        Path output = basedir.resolve("target/bench-smoke");
        var properties = new java.util.HashMap<>(Map.of(
                "basedir", basedir.toString(),
                "output", output.toString(),
                "scenario", "all",
                "warmup", "0.1",
                "duration", "0.5",
                "stall", "5",
                "connections", "2",
                "roundtrip.clientsPerSession", "1,2",
                "roundtrip.payload", "32,4096",
                "payload", "32"));
        properties.putAll(Map.of(
                "openloop.persistence", "on",
                "openloop.fractions", "0.5",
                "idle.connections", "20",
                "history.sizes", "10,100",
                "history.concurrency", "2",
                "redis.requests", "500",
                "redis.clients", "4",
                "server.heap", "512m",
                "idle.settle", "0.2",
                "server.warmup", "0"));
        properties.putAll(Map.of("soak.windows", "2", "soak.window", "0.5", "soak.connections", "2"));

        List<RunResult> results = new Bench(BenchConfig.of(properties)).run();

        List<RunResult> roundTrips = of(results, "roundtrip");
        assertEquals(6, roundTrips.size(), "persisted 1 and 2 per session, in memory 1 per session; 32 B and 4 KiB each");
        for (RunResult run : roundTrips) {
            assertTrue(run.number("round_trips") > 0, "no round trips in " + run);
            if ((boolean) run.params().get("persistence")) {
                assertTrue(run.number("acknowledged") > 0, "nothing acknowledged in " + run);
                assertEquals(0, run.number("rest_missing"), "acknowledged but not in the REST API: " + run);
            }
        }
        assertAll(of(results, "openloop"), run -> run.number("round_trips") > 0 && run.number("rest_missing") == 0);
        assertAll(of(results, "soak"), run -> run.number("round_trips") > 0 && run.number("rest_missing") == 0);
        assertEquals(2, of(results, "soak").size(), "two windows (the maximum is the roundtrip scenario's)");
        assertAll(of(results, "echo"), run -> run.number("round_trips") > 0);
        assertAll(of(results, "redis-benchmark"), run -> run.number("requests_per_s") > 0);
        assertAll(of(results, "history"), run -> run.number("requests") > 0 && run.number("errors") == 0);
        assertAll(of(results, "idle"), run -> run.number("opened") == 20 && run.number("failed") == 0);
        for (String file : List.of("results.json", "results.md", "roundtrip-latency.png", "roundtrip-throughput.png")) {
            assertTrue(Files.size(output.resolve(file)) > 0, file);
        }
    }

    private static List<RunResult> of(List<RunResult> results, String scenario) {
        List<RunResult> runs = results.stream().filter(r -> r.scenario().equals(scenario)).toList();
        assertFalse(runs.isEmpty(), "no " + scenario + " results");
        return runs;
    }

    private static void assertAll(List<RunResult> runs, Predicate<RunResult> check) {
        runs.forEach(run -> assertTrue(check.test(run), run.toString()));
    }
}
