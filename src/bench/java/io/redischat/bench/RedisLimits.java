package io.redischat.bench;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.redischat.testsupport.ExternalProcess;

/**
 * What the bench's Redis itself does on this machine, measured with Debian's {@code redis-benchmark} on the bench's
 * own port: PING (a bare round trip), the service's real {@code append.lua} by EVALSHA with the arguments the service
 * passes, the XREVRANGE a history read is made of, and the plain commands; without and with pipelining.
 */
final class RedisLimits {

    private static final String SESSION = "chat:{redis-benchmark}";

    private final BenchConfig config;
    private final int port;

    RedisLimits(BenchConfig config, int port) {
        this.config = config;
        this.port = port;
    }

    List<RunResult> run() {
        String append = RedisCli.command(port, "SCRIPT", "LOAD", script("append.lua"));
        String content = LoadConnection.content(0, 0, config.integer("payload.redis", 32));
        // the service's own arguments (MessageStore): TTLs, history limit 1000, a server key per connection whose
        // marker changes with every message (so each call is a new message, never a duplicate)
        var commands = new ArrayList<List<String>>();
        commands.add(List.of("PING"));
        commands.add(List.of("EVALSHA", append, "4", SESSION + ":history", SESSION + ":meta", SESSION + ":seen",
                SESSION + ":cid:#c1", content, "1795870896901", "300", "1000", "86400", "e1", "", SESSION + ":live",
                "c1", "60", "__rand_int__", "", "0", ""));
        commands.add(List.of("XREVRANGE", SESSION + ":history", "+", "-", "COUNT", "100"));
        commands.add(List.of("XADD", SESSION + ":plain", "MAXLEN", "~", "1000", "*", "c", content, "t",
                "1795870896901", "s", "1", "n", "1", "f", "c1"));
        commands.add(List.of("PUBLISH", SESSION + ":live", "{\"v\":1,\"c\":\"" + content + "\"}"));
        var results = new ArrayList<RunResult>();
        int requests = config.integer("redis.requests", 100_000);
        int clients = config.integer("redis.clients", 50);
        for (int pipeline : config.ints("redis.pipeline", "1,16")) {
            for (List<String> command : commands) {
                results.add(benchmark(command, requests, clients, pipeline));
            }
        }
        return results;
    }

    private RunResult benchmark(List<String> command, int requests, int clients, int pipeline) {
        var argv = new ArrayList<>(List.of("redis-benchmark", "-h", "127.0.0.1", "-p", Integer.toString(port),
                "-n", Integer.toString(requests), "-c", Integer.toString(clients), "-P", Integer.toString(pipeline),
                "-r", "1000000000", "-q", "--csv"));
        argv.addAll(command);
        String output = ExternalProcess.execute(null, Duration.ofMinutes(5), argv).orThrow();
        // "test","rps","avg_latency_ms","min_latency_ms","p50_latency_ms","p95_latency_ms","p99_latency_ms","max_latency_ms"
        String[] row = null;
        for (String line : output.split("\n")) {
            String[] fields = line.trim().replace("\"", "").split(",");
            if (fields.length >= 8 && !fields[0].equals("test")) {
                try {
                    if (!fields[fields.length - 7].equals("inf")) {
                        Double.parseDouble(fields[fields.length - 7]);
                    }
                    row = fields;
                } catch (NumberFormatException notData) {
                    // header or notice
                }
            }
        }
        if (row == null) {
            throw new IllegalStateException("no result from " + String.join(" ", argv) + ":\n" + output);
        }
        if (row[row.length - 7].equals("inf") && requests < 10_000_000) {
            // done within redis-benchmark's clock resolution (a smoke run's few hundred requests): run more
            return benchmark(command, requests * 10, clients, pipeline);
        }
        int n = row.length;
        String name = what(command);
        var params = RunResult.ordered();
        params.put("command", name);
        params.put("requests", requests);
        params.put("clients", clients);
        params.put("pipeline", pipeline);
        var metrics = RunResult.ordered();
        metrics.put("requests_per_s", Double.parseDouble(row[n - 7]));
        metrics.put("avg_ms", Double.parseDouble(row[n - 6]));
        metrics.put("p50_ms", Double.parseDouble(row[n - 4]));
        metrics.put("p99_ms", Double.parseDouble(row[n - 2]));
        metrics.put("max_ms", Double.parseDouble(row[n - 1]));
        Bench.log("redis-benchmark " + name + " -P " + pipeline + ": " + metrics);
        return new RunResult("redis-benchmark", name + " P" + pipeline, params, metrics, null);
    }

    private static String what(List<String> command) {
        return switch (command.get(0)) {
            case "EVALSHA" -> "append.lua";
            case "XREVRANGE" -> "XREVRANGE 100";
            default -> command.get(0);
        };
    }

    private static String script(String name) {
        try (InputStream in = RedisLimits.class.getResourceAsStream("/io/redischat/redis/control/" + name)) {
            if (in == null) {
                throw new IllegalStateException(name + " is not on the class path");
            }
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }
}
