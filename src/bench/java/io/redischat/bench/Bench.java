package io.redischat.bench;

import java.io.IOException;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

/**
 * {@code mvn -Pbench verify -Dbench.scenario=roundtrip[,openloop,limits,history,idle,soak]}: starts Redis and the WAR on
 * Payara Micro, runs the scenarios, writes {@code target/bench/results.{json,md}} and charts. See README "Benchmarks".
 */
public final class Bench {

    static final List<String> SCENARIOS = List.of("roundtrip", "openloop", "limits", "history", "idle", "soak");

    private final BenchConfig config;
    private final List<RunResult> results = new ArrayList<>();

    Bench(BenchConfig config) {
        this.config = config;
    }

    public static void main(String[] args) throws Exception {
        BenchConfig config = BenchConfig.fromSystemProperties();
        List<RunResult> results = new Bench(config).run();
        System.out.println("written to " + config.output().toAbsolutePath().resolve("results.md"));
    }

    /** Runs the configured scenarios and writes the report; returns the results. */
    public List<RunResult> run() throws IOException {
        List<String> scenarios = config.scenarios().contains("all") ? SCENARIOS : config.scenarios();
        for (String scenario : scenarios) {
            if (!SCENARIOS.contains(scenario)) {
                throw new IllegalArgumentException("bench.scenario: one or more of " + SCENARIOS + " or all, not " + scenario);
            }
        }
        // charts are drawn off screen
        System.setProperty("java.awt.headless", "true");
        Report.clean(config.output());
        var started = Instant.now();
        int maxConnections = java.util.stream.Stream.of("roundtrip", "openloop", "echo", "soak")
                .flatMap(scenario -> config.ints(scenario + ".connections", "500").stream())
                .mapToInt(Integer::intValue).max().orElse(500)
                + (scenarios.contains("idle") ? config.integer("idle.connections", 10_000) : 0);
        String loadBefore = loadAverage();
        ChatServer server = ChatServer.start(config, maxConnections);
        // Ctrl-C: Payara (or WildFly) and Redis are processes of their own and would outlive this JVM
        Thread stopServers = new Thread(server::close, "bench-stop-servers");
        Runtime.getRuntime().addShutdownHook(stopServers);
        String failure = null;
        try {
            var scenarioRuns = new Scenarios(config, server, results);
            java.time.Duration serverWarmup = config.time("server.warmup", java.time.Duration.ofSeconds(20));
            if (!serverWarmup.isZero()) {
                scenarioRuns.warmServer(serverWarmup);
            }
            for (String scenario : scenarios) {
                log("scenario " + scenario);
                switch (scenario) {
                    case "roundtrip" -> scenarioRuns.roundTrips();
                    case "openloop" -> scenarioRuns.openLoop();
                    case "limits" -> scenarioRuns.limits();
                    case "history" -> scenarioRuns.historyReads();
                    case "idle" -> scenarioRuns.idleConnections();
                    case "soak" -> scenarioRuns.soak();
                    default -> throw new IllegalStateException(scenario);
                }
            }
        } catch (IOException | RuntimeException e) {
            failure = e.toString();
            throw e;
        } finally {
            // what was measured is written also when a later run failed
            var run = RunResult.ordered();
            run.put("started", started.toString());
            run.put("finished", Instant.now().toString());
            run.put("target", server.name());
            run.put("commit", commit());
            run.put("java", System.getProperty("java.vm.name") + " " + System.getProperty("java.version"));
            run.put("cores", Runtime.getRuntime().availableProcessors());
            run.put("load_average_before", loadBefore);
            run.put("load_average_after", loadAverage());
            run.put("scenarios", String.join(",", scenarios));
            run.put("note", "generator, server and Redis share this machine: compare ratios within one run");
            if (failure != null) {
                run.put("failed", failure);
            }
            new Report(config.output(), run).write(results);
            server.close();
            try {
                Runtime.getRuntime().removeShutdownHook(stopServers);
            } catch (IllegalStateException shuttingDown) {
                // the hook runs already
            }
        }
        return results;
    }

    /** The 1, 5 and 15 minute load averages: other work on the machine shows here. */
    static String loadAverage() {
        try {
            String[] fields = java.nio.file.Files.readString(Path.of("/proc/loadavg")).split(" ");
            return fields[0] + " " + fields[1] + " " + fields[2];
        } catch (IOException | RuntimeException e) {
            return "unknown";
        }
    }

    static void log(String line) {
        System.out.println("[bench " + Instant.now() + "] " + line);
    }

    private String commit() {
        try {
            Path base = config.basedir();
            return io.redischat.testsupport.ExternalProcess.execute(base, java.time.Duration.ofSeconds(10),
                    List.of("git", "describe", "--always", "--dirty")).output().trim();
        } catch (RuntimeException e) {
            return "unknown";
        }
    }
}
