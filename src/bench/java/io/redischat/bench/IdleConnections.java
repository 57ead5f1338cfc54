package io.redischat.bench;

import java.io.IOException;
import java.net.http.HttpClient;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * N open sockets that send nothing: the server's resident memory (VmRSS) and heap after a full GC per socket, both
 * against the same server before they opened, and how long opening them took. Each socket is its own session.
 * Needs a file-descriptor limit ({@code ulimit -n}) above N for this JVM and for the server (both inherit it).
 */
final class IdleConnections {

    private final BenchConfig config;
    private final ChatServer server;

    IdleConnections(BenchConfig config, ChatServer server) {
        this.config = config;
        this.server = server;
    }

    RunResult run() {
        int count = config.integer("idle.connections", 10_000);
        boolean persistence = config.persistence("idle.persistence", "off").get(0);
        long limit = openFilesLimit();
        if (limit > 0 && limit < count + 200L) {
            throw new IllegalStateException("bench.idle.connections=" + count + " needs a file-descriptor limit above "
                    + (count + 200) + " for this JVM and the server: ulimit -n is " + limit);
        }
        long pid = server.serverPid();
        long heapBefore = server.heapUsedAfterGcKib();
        long rssBefore = pid > 0 ? Probes.rssKib(pid) : -1;
        Bench.log("idle: opening " + count + " sockets");
        var connections = new ArrayList<LoadConnection>(count);
        var failures = new AtomicInteger();
        var sink = new Quiet();
        HttpClient client = HttpClient.newHttpClient();
        var admissions = new Semaphore(config.integer("idle.concurrency", 200));
        var opened = new ArrayList<CompletableFuture<String>>(count);
        String run = "bench-idle-" + Long.toString(System.currentTimeMillis(), 36);
        long start = System.nanoTime();
        try {
            for (int i = 0; i < count; i++) {
                String session = run + "-" + i;
                var connection = new LoadConnection(i, session, sink);
                connections.add(connection);
                admissions.acquireUninterruptibly();
                opened.add(connection.open(client, Endpoint.chat(server.root()).socket(session, persistence),
                        persistence).whenComplete((id, failure) -> {
                            admissions.release();
                            if (failure != null) {
                                failures.incrementAndGet();
                            }
                        }));
            }
            try {
                CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(10, TimeUnit.MINUTES);
            } catch (Exception someFailed) {
                // counted per socket
            }
            double openSeconds = (System.nanoTime() - start) / 1e9;
            int open = count - failures.get();
            // let the server finish what opening started (sessions, subscriptions) before measuring
            java.util.concurrent.locks.LockSupport.parkNanos(config.time("idle.settle", java.time.Duration.ofSeconds(2))
                    .toNanos());
            long heapAfter = server.heapUsedAfterGcKib();
            long rssAfter = pid > 0 ? Probes.rssKib(pid) : -1;
            long stillOpen = connections.stream().filter(c -> !c.closed).count();
            var params = RunResult.ordered();
            params.put("connections", count);
            params.put("persistence", persistence);
            var metrics = RunResult.ordered();
            metrics.put("handshakes_per_s", RunResult.round(open / openSeconds));
            metrics.put("opened", open);
            metrics.put("failed", failures.get());
            metrics.put("still_open", stillOpen);
            if (!sink.closes.isEmpty()) {
                // 1001: the server heard no pong in time (seen for 148 of 10,000 while a loaded machine opened them)
                metrics.put("closed_early", new java.util.TreeMap<>(sink.closes).toString());
            }
            metrics.put("open_s", RunResult.round(openSeconds));
            if (rssAfter > 0 && open > 0) {
                metrics.put("server_rss_mib", RunResult.round(rssAfter / 1024.0));
                metrics.put("server_rss_per_conn_kib", RunResult.round((rssAfter - rssBefore) / (double) open));
            }
            if (heapAfter > 0 && open > 0) {
                metrics.put("heap_after_gc_mib", RunResult.round(heapAfter / 1024.0));
                metrics.put("heap_per_conn_kib", RunResult.round((heapAfter - heapBefore) / (double) open));
            }
            metrics.put("fd_limit", limit);
            return new RunResult("idle", count + " idle sockets", params, metrics, null);
        } finally {
            connections.parallelStream().forEach(LoadConnection::close);
        }
    }

    /** The soft limit of open files of this process (the server inherits it), or -1. */
    static long openFilesLimit() {
        try {
            for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
                if (line.startsWith("Max open files")) {
                    String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
                    return soft.equals("unlimited") ? Long.MAX_VALUE : Long.parseLong(soft);
                }
            }
        } catch (IOException | RuntimeException e) {
            // not Linux
        }
        return -1;
    }

    /** Counts why sockets ended while they should have stayed open: {@code closed 1001 ...} by the first words. */
    private static final class Quiet implements LoadConnection.Sink {
        final java.util.Map<String, Integer> closes = new java.util.concurrent.ConcurrentHashMap<>();

        @Override
        public void reply(LoadConnection connection, long seq, boolean persisted, long nanos) {
        }

        @Override
        public void delivered(long nanos) {
        }

        @Override
        public void error(LoadConnection connection, String code) {
        }

        @Override
        public void closed(LoadConnection connection, String why) {
            String[] words = why.split(" ");
            closes.merge(words.length > 1 ? words[0] + " " + words[1] : why, 1, Integer::sum);
        }
    }
}
