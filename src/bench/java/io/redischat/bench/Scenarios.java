package io.redischat.bench;

import java.io.IOException;
import java.util.List;

/** The scenarios of one run, each adding its results; the README's "Benchmarks" section says what each measures. */
final class Scenarios {

    private final BenchConfig config;
    private final ChatServer server;
    private final List<RunResult> results;

    Scenarios(BenchConfig config, ChatServer server, List<RunResult> results) {
        this.config = config;
        this.server = server;
        this.results = results;
    }

    private Load load(boolean persistence, int connections, int clientsPerSession, int payload) {
        return new Load(persistence, connections, clientsPerSession, payload, 0, config.warmup(), config.duration(),
                config.stall());
    }

    /**
     * Unmeasured traffic right after the server started (half persisted, half not, 50 sockets): a JIT-cold Payara
     * measured 831 persisted round trips a second where the same load a minute later made 1,419.
     */
    void warmServer(java.time.Duration time) {
        Bench.log("warming the server up for " + time.toSeconds() + " s (not measured)");
        for (boolean persistence : List.of(true, false)) {
            var load = new Load(persistence, config.integer("server.warmup.connections", 50), 1, 32, 0,
                    java.time.Duration.ZERO, time.dividedBy(2), config.stall());
            new RoundTrips(Endpoint.chat(server.root()), load, Probes.none()).run("warmup");
            server.flushRedis();
        }
    }

    /** Closed-loop round trips over the matrix of persistence, connections, clients per session and payload. */
    void roundTrips() {
        for (boolean persistence : config.persistence("roundtrip.persistence", "on,off")) {
            for (int connections : config.ints("roundtrip.connections", "1,50,500")) {
                for (int perSession : config.ints("roundtrip.clientsPerSession", "1,50")) {
                    // without persistence only the sender gets its frames: more clients per session change nothing
                    if (perSession > connections || (perSession > 1 && !persistence)) {
                        continue;
                    }
                    for (int payload : config.ints("roundtrip.payload", "32,4096")) {
                        chat("roundtrip", load(persistence, connections, perSession, payload));
                    }
                }
            }
        }
    }

    /**
     * Open loop at fractions of the closed-loop maximum of the same load (measured in this run: by the roundtrip
     * scenario, or here first).
     */
    void openLoop() {
        for (boolean persistence : config.persistence("openloop.persistence", "on,off")) {
            for (int connections : config.ints("openloop.connections", "50")) {
                for (int payload : config.ints("openloop.payload", "32")) {
                    Load closed = load(persistence, connections, 1, payload);
                    RunResult maximum = results.stream()
                            .filter(r -> r.scenario().equals("roundtrip") && r.label().equals(closed.label()))
                            .findFirst().orElseGet(() -> chat("openloop", closed));
                    double max = maximum.number("msgs_per_s");
                    for (double fraction : config.list("openloop.fractions", "0.25,0.5,0.75", Double::valueOf)) {
                        RunResult open = chat("openloop", closed.atRate(Math.max(1, max * fraction)));
                        open.metrics().put("fraction_of_max", fraction);
                    }
                }
            }
        }
    }

    /**
     * The soak: persisted messages in an open loop at {@code soak.fraction} (0.75) of the closed-loop maximum of the
     * same load, in {@code soak.windows} (10) back-to-back windows of {@code soak.window} (60 s). Each window is a run
     * of its own (its acknowledged messages checked in the REST API) and ends with the server's heap after a full GC,
     * so a loss of throughput or a growing heap shows window by window.
     */
    void soak() {
        Load closed = load(true, config.integer("soak.connections", 50), 1, config.integer("soak.payload", 32));
        RunResult maximum = results.stream()
                .filter(r -> r.scenario().equals("roundtrip") && r.label().equals(closed.label()))
                .findFirst().orElseGet(() -> chat("soak", closed));
        double fraction = Double.parseDouble(config.string("soak.fraction", "0.75"));
        double rate = Math.max(1, maximum.number("msgs_per_s") * fraction);
        java.time.Duration window = config.time("soak.window", java.time.Duration.ofSeconds(60));
        int windows = config.integer("soak.windows", 10);
        long heapBefore = server.heapUsedAfterGcKib();
        for (int i = 1; i <= windows; i++) {
            var open = new Load(true, closed.connections(), 1, closed.payload(), rate,
                    i == 1 ? config.warmup() : java.time.Duration.ZERO, window, config.stall());
            RunResult run = chat("soak", open);
            run.metrics().put("window", i);
            run.metrics().put("fraction_of_max", fraction);
            long heap = server.heapUsedAfterGcKib();
            if (heap > 0) {
                run.metrics().put("heap_after_gc_mib", RunResult.round(heap / 1024.0));
                run.metrics().put("heap_growth_mib", RunResult.round((heap - heapBefore) / 1024.0));
            }
        }
    }

    void limits() throws IOException {
        try (var echo = new EchoServer()) {
            for (int connections : config.ints("echo.connections", "50")) {
                for (int payload : config.ints("echo.payload", "32")) {
                    record(new RoundTrips(echo.endpoint(), load(false, connections, 1, payload), Probes.none())
                            .run("echo"));
                }
            }
        }
        if (server.redisPort() > 0) {
            results.addAll(new RedisLimits(config, server.redisPort()).run());
        }
    }

    void historyReads() {
        results.addAll(new HistoryReads(config, server).run());
    }

    void idleConnections() {
        record(new IdleConnections(config, server).run());
    }

    private RunResult chat(String scenario, Load load) {
        Bench.log(scenario + " " + load.label());
        RunResult result = new RoundTrips(Endpoint.chat(server.root()), load, server.probes()).run(scenario);
        server.flushRedis();
        return record(result);
    }

    private RunResult record(RunResult result) {
        results.add(result);
        Bench.log(result.label() + " " + result.metrics() + " " + result.latency());
        return result;
    }
}
