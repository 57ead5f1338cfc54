package io.redischat.bench;

import java.net.http.HttpClient;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import java.util.stream.Collectors;

import org.HdrHistogram.Histogram;
import org.HdrHistogram.Recorder;

/**
 * Message round trips over WebSocket: every socket sends, each reply {@code Message #N} to its own message ends a
 * round trip. Closed loop (send, wait for the reply, send again) or open loop (at fixed intended send times, latency
 * counted from the intended time, so a slow server cannot hide its queue: no coordinated omission). Warm-up, then a
 * fixed measuring window; afterwards every persisted round trip is looked up in the REST API.
 */
final class RoundTrips implements LoadConnection.Sink {

    private static int runs;

    private final Endpoint endpoint;
    private final Load load;
    private final Probes probes;
    private final String runId;
    private final Recorder latencies = new Recorder(3);
    private final LongAdder roundTrips = new LongAdder();
    private final LongAdder deliveries = new LongAdder();
    private final LongAdder unpersisted = new LongAdder();
    private final Map<String, LongAdder> errors = new ConcurrentHashMap<>();
    private final AtomicInteger closedEarly = new AtomicInteger();
    private final List<LoadConnection> connections = new ArrayList<>();
    private volatile boolean running;
    private volatile long measureFrom = Long.MAX_VALUE;
    private volatile long measureTo = Long.MAX_VALUE;

    RoundTrips(Endpoint endpoint, Load load, Probes probes) {
        this.endpoint = endpoint;
        this.load = load;
        this.probes = probes;
        synchronized (RoundTrips.class) {
            runs++;
            this.runId = "bench-" + Long.toString(System.currentTimeMillis() % 1_000_000_000L, 36) + "-" + runs;
        }
    }

    RunResult run(String scenario) {
        var clients = new ArrayList<HttpClient>();
        ExecutorService executor = Executors.newFixedThreadPool(2, daemon("bench-ws"));
        // one selector thread per HttpClient: two spread the generator's socket work over both cores
        for (int i = 0; i < Math.min(2, load.connections()); i++) {
            clients.add(HttpClient.newBuilder().executor(executor).build());
        }
        try {
            open(clients);
            Map<String, Object> metrics = measure();
            if (endpoint.rest() != null && load.persistence()) {
                HistoryCheck.Outcome check = new HistoryCheck(endpoint.rest()).verify(connections, load.payload());
                metrics.put("acknowledged", check.acknowledged());
                metrics.put("rest_missing", check.missing());
                metrics.put("rest_unacknowledged", check.unacknowledged());
            }
            var params = RunResult.ordered();
            params.put("target", endpoint.name());
            params.put("persistence", load.persistence());
            params.put("connections", load.connections());
            params.put("clients_per_session", load.clientsPerSession());
            params.put("payload_bytes", load.payload());
            params.put("loop", load.closedLoop() ? "closed" : "open");
            if (!load.closedLoop()) {
                params.put("rate", Math.round(load.rate()));
            }
            params.put("warmup_s", load.warmup().toMillis() / 1000.0);
            params.put("duration_s", load.duration().toMillis() / 1000.0);
            Histogram histogram = latencies.getIntervalHistogram();
            return new RunResult(scenario, (endpoint.name().equals("chat") ? "" : endpoint.name() + " ") + load.label(),
                    params, metrics, RunResult.Latency.of(histogram));
        } finally {
            connections.parallelStream().forEach(LoadConnection::close);
            executor.shutdownNow();
        }
    }

    private void open(List<HttpClient> clients) {
        var admissions = new Semaphore(64);
        var opened = new ArrayList<CompletableFuture<String>>();
        for (int i = 0; i < load.connections(); i++) {
            String session = runId + "-s" + i / load.clientsPerSession();
            var connection = new LoadConnection(i, session, this);
            connections.add(connection);
            admissions.acquireUninterruptibly();
            opened.add(connection.open(clients.get(i % clients.size()), endpoint.socket(session, load.persistence()),
                    load.persistence()).whenComplete((id, failure) -> admissions.release()));
        }
        try {
            CompletableFuture.allOf(opened.toArray(CompletableFuture[]::new)).get(120, TimeUnit.SECONDS);
        } catch (Exception e) {
            throw new IllegalStateException("could not open " + load.connections() + " sockets to " + endpoint.name(), e);
        }
    }

    private Map<String, Object> measure() {
        long start = System.nanoTime();
        measureFrom = start + load.warmup().toNanos();
        measureTo = measureFrom + load.duration().toNanos();
        running = true;
        Thread pacer = null;
        if (load.closedLoop()) {
            connections.forEach(connection -> connection.send(System.nanoTime(), load.payload()));
        } else {
            pacer = new Thread(this::pace, "bench-pacer");
            pacer.setDaemon(true);
            pacer.start();
        }
        Probes.Snapshot before = null;
        Probes.Snapshot after = null;
        long stallNanos = load.stall().toNanos();
        while (true) {
            long now = System.nanoTime();
            if (before == null && now >= measureFrom) {
                before = probes.take();
                latencies.reset();
            }
            if (now >= measureTo) {
                after = probes.take();
                break;
            }
            markStalls(now, stallNanos);
            LockSupport.parkNanos(Math.min(100_000_000L, Math.max(1, Math.min(measureTo, before == null
                    ? measureFrom : measureTo) - now)));
        }
        running = false;
        if (pacer != null) {
            pacer.interrupt();
        }
        // drain: the replies still on their way; what has none after the stall time is stalled
        long drainUntil = System.nanoTime() + stallNanos;
        while (System.nanoTime() < drainUntil && connections.stream().anyMatch(c -> c.outstandingCount() > 0 && !c.closed)) {
            LockSupport.parkNanos(20_000_000L);
        }
        markStalls(Long.MAX_VALUE, 0);
        // the counts are of the window; the probes' own readings only serve the CPU shares
        double seconds = load.duration().toNanos() / 1e9;
        var metrics = RunResult.ordered();
        long trips = roundTrips.sum();
        metrics.put("msgs_per_s", RunResult.round(trips / seconds));
        metrics.put("deliveries_per_s", RunResult.round(deliveries.sum() / seconds));
        metrics.put("round_trips", trips);
        metrics.put("errors", errors.values().stream().mapToLong(LongAdder::sum).sum() + unpersisted.sum());
        if (!errors.isEmpty() || unpersisted.sum() > 0) {
            var codes = new TreeMap<String, Long>();
            errors.forEach((code, count) -> codes.put(code, count.sum()));
            if (unpersisted.sum() > 0) {
                codes.put("persisted_false", unpersisted.sum());
            }
            metrics.put("error_codes", codes.entrySet().stream().map(e -> e.getKey() + " " + e.getValue())
                    .collect(Collectors.joining(", ")));
        }
        metrics.put("stalled_connections", connections.stream().filter(c -> c.stalled).count());
        metrics.put("closed_connections", closedEarly.get());
        probes.report(before, after, trips, metrics);
        return metrics;
    }

    private void markStalls(long now, long stallNanos) {
        for (LoadConnection connection : connections) {
            long oldest = connection.oldestOutstanding();
            if (oldest >= 0 && now - oldest > stallNanos) {
                connection.stalled = true;
            }
        }
    }

    /** Open loop: each socket sends at its own fixed intended times, staggered, whatever the replies do. */
    private void pace() {
        int count = connections.size();
        long interval = Math.round(count * 1e9 / load.rate());
        long start = System.nanoTime();
        long[] next = new long[count];
        for (int i = 0; i < count; i++) {
            next[i] = start + interval * i / count;
        }
        while (running) {
            long now = System.nanoTime();
            long earliest = Long.MAX_VALUE;
            for (int i = 0; i < count; i++) {
                while (next[i] <= now && running) {
                    connections.get(i).send(next[i], load.payload());
                    next[i] += interval;
                }
                earliest = Math.min(earliest, next[i]);
            }
            LockSupport.parkNanos(Math.max(50_000L, earliest - System.nanoTime()));
            if (Thread.interrupted()) {
                return;
            }
        }
    }

    @Override
    public void reply(LoadConnection connection, long seq, boolean persisted, long nanos) {
        long[] sent = connection.answered();
        if (sent == null) {
            errors.computeIfAbsent("reply_without_message", code -> new LongAdder()).increment();
            return;
        }
        if (load.persistence()) {
            if (persisted) {
                connection.acknowledged(seq, sent[1]);
            } else {
                unpersisted.increment();
            }
        }
        if (nanos >= measureFrom && nanos < measureTo) {
            roundTrips.increment();
            latencies.recordValue(Math.max(0, (nanos - sent[0]) / 1000));
        }
        if (running && load.closedLoop()) {
            connection.send(System.nanoTime(), load.payload());
        }
    }

    @Override
    public void delivered(long nanos) {
        if (nanos >= measureFrom && nanos < measureTo) {
            deliveries.increment();
        }
    }

    @Override
    public void error(LoadConnection connection, String code) {
        errors.computeIfAbsent(code, c -> new LongAdder()).increment();
        if (!code.equals("redis_unavailable") && !code.equals("send_failed") && connection.answered() != null && running && load.closedLoop()) {
            // the message was refused (rate_limited, too_many_pending, ...): no reply comes, go on with the next
            connection.send(System.nanoTime(), load.payload());
        }
    }

    @Override
    public void closed(LoadConnection connection, String why) {
        if (running) {
            closedEarly.incrementAndGet();
            errors.computeIfAbsent("closed: " + why, c -> new LongAdder()).increment();
        }
    }

    static java.util.concurrent.ThreadFactory daemon(String name) {
        var counter = new AtomicInteger();
        return task -> {
            Thread thread = new Thread(task, name + "-" + counter.incrementAndGet());
            thread.setDaemon(true);
            return thread;
        };
    }
}
