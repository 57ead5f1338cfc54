package io.redischat.bench;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.TreeMap;
import java.util.stream.Collectors;

/**
 * Where the machine's time goes during a run: CPU of the server, Redis and this generator (from /proc), and the Redis
 * commands executed (INFO commandstats, which also counts the commands Lua scripts call).
 */
final class Probes {

    /** One reading. */
    record Snapshot(long nanos, long serverTicks, long redisTicks, long generatorTicks, Map<String, Long> calls) {
    }

    /** Clock ticks per second of /proc/PID/stat's times (USER_HZ; 100 on Linux). */
    private static final double TICKS_PER_SECOND = 100;

    private final long serverPid;
    private final long redisPid;
    private final int redisPort;

    /** A pid or port of -1 is not measured. */
    Probes(long serverPid, long redisPid, int redisPort) {
        this.serverPid = serverPid;
        this.redisPid = redisPid;
        this.redisPort = redisPort;
    }

    static Probes none() {
        return new Probes(-1, -1, -1);
    }

    Snapshot take() {
        return new Snapshot(System.nanoTime(), cpuTicks(serverPid), cpuTicks(redisPid),
                cpuTicks(ProcessHandle.current().pid()), redisPort < 0 ? Map.of() : RedisCli.commandCalls(redisPort));
    }

    /** CPU share of each process (100 = one core busy) and Redis calls per message between two readings. */
    void report(Snapshot from, Snapshot to, long messages, Map<String, Object> metrics) {
        double seconds = (to.nanos() - from.nanos()) / 1e9;
        if (serverPid > 0) {
            metrics.put("server_cpu_pct", cpuPercent(from.serverTicks(), to.serverTicks(), seconds));
        }
        if (redisPid > 0) {
            metrics.put("redis_cpu_pct", cpuPercent(from.redisTicks(), to.redisTicks(), seconds));
        }
        metrics.put("generator_cpu_pct", cpuPercent(from.generatorTicks(), to.generatorTicks(), seconds));
        if (redisPort > 0 && messages > 0) {
            var perMessage = new TreeMap<String, Double>();
            long total = 0;
            for (var entry : to.calls().entrySet()) {
                long delta = entry.getValue() - from.calls().getOrDefault(entry.getKey(), 0L);
                if (delta > 0 && !entry.getKey().equals("info")) {
                    perMessage.put(entry.getKey(), RunResult.round((double) delta / messages));
                    total += delta;
                }
            }
            metrics.put("redis_calls_per_msg", RunResult.round((double) total / messages));
            metrics.put("redis_calls_by_command", perMessage.entrySet().stream()
                    .sorted(Map.Entry.<String, Double>comparingByValue().reversed())
                    .map(e -> e.getKey() + " " + e.getValue()).collect(Collectors.joining(", ")));
        }
    }

    private static double cpuPercent(long fromTicks, long toTicks, double seconds) {
        return RunResult.round((toTicks - fromTicks) / TICKS_PER_SECOND / seconds * 100);
    }

    /** utime + stime of a process, in clock ticks; 0 when it cannot be read. */
    static long cpuTicks(long pid) {
        if (pid <= 0) {
            return 0;
        }
        try {
            String stat = Files.readString(Path.of("/proc", Long.toString(pid), "stat"));
            String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
            // after "pid (comm) ": state is field 3, utime field 14, stime field 15
            return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
        } catch (IOException | RuntimeException e) {
            return 0;
        }
    }

    /** VmRSS of a process in KiB, or -1. */
    static long rssKib(long pid) {
        try {
            for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
                if (line.startsWith("VmRSS:")) {
                    return Long.parseLong(line.replaceAll("[^0-9]", ""));
                }
            }
        } catch (IOException e) {
            // gone
        }
        return -1;
    }
}
