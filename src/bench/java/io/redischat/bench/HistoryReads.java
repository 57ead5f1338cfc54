package io.redischat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.LongAdder;

import org.HdrHistogram.Recorder;

/**
 * {@code GET /chat/api/sessions/{id}/messages/?limit=K}: requests a second and latency of reading K messages, from a
 * session the bench filled through the WebSocket first; a fixed number of HTTP clients, each in a closed loop.
 */
final class HistoryReads {

    private final BenchConfig config;
    private final ChatServer server;

    HistoryReads(BenchConfig config, ChatServer server) {
        this.config = config;
        this.server = server;
    }

    List<RunResult> run() {
        List<Integer> sizes = config.ints("history.sizes", "10,100,1000");
        int largest = sizes.stream().max(Integer::compare).orElse(10);
        int payload = config.ints("history.payload", "32").get(0);
        String session = fill((largest + 1) / 2, payload);
        var results = new ArrayList<RunResult>();
        for (int size : sizes) {
            results.add(read(session, size, payload));
        }
        server.flushRedis();
        return results;
    }

    /** Sends {@code exchanges} messages (each stored with its reply: two messages) and waits for their replies. */
    private String fill(int exchanges, int payload) {
        var load = new Load(true, 1, 1, payload, 0, Duration.ZERO, Duration.ofDays(1), config.stall());
        var filler = new Filler(Endpoint.chat(server.root()), load, exchanges);
        return filler.fill();
    }

    private RunResult read(String session, int size, int payload) {
        int concurrency = config.integer("history.concurrency", 8);
        Duration warmup = config.warmup();
        Duration duration = config.duration();
        URI uri = server.root().resolve("api/sessions/" + session + "/messages/?limit=" + size);
        String expected = "\"count\":" + size + ",";
        var http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
                .connectTimeout(Duration.ofSeconds(5)).build();
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30)).GET().build();
        var latencies = new Recorder(3);
        var requests = new LongAdder();
        var errors = new LongAdder();
        var bytes = new LongAdder();
        long start = System.nanoTime();
        long from = start + warmup.toNanos();
        long to = from + duration.toNanos();
        Bench.log("history reads of " + size + " with " + concurrency + " clients");
        ExecutorService workers = Executors.newFixedThreadPool(concurrency, RoundTrips.daemon("bench-http"));
        Probes probes = server.probes();
        try {
            var futures = new ArrayList<Future<?>>();
            for (int i = 0; i < concurrency; i++) {
                futures.add(workers.submit(() -> {
                    long now;
                    while ((now = System.nanoTime()) < to) {
                        boolean ok;
                        int length = 0;
                        try {
                            HttpResponse<String> response = http.send(request, HttpResponse.BodyHandlers.ofString());
                            ok = response.statusCode() == 200 && response.body().contains(expected);
                            length = response.body().length();
                        } catch (IOException e) {
                            ok = false;
                        } catch (InterruptedException e) {
                            return;
                        }
                        long done = System.nanoTime();
                        if (now >= from && done < to) {
                            if (ok) {
                                requests.increment();
                                bytes.add(length);
                                latencies.recordValue((done - now) / 1000);
                            } else {
                                errors.increment();
                            }
                        }
                    }
                }));
            }
            sleepUntil(from);
            latencies.reset();
            Probes.Snapshot before = probes.take();
            sleepUntil(to);
            Probes.Snapshot after = probes.take();
            for (Future<?> future : futures) {
                future.get();
            }
            double seconds = (after.nanos() - before.nanos()) / 1e9;
            var params = RunResult.ordered();
            params.put("messages", size);
            params.put("payload_bytes", payload);
            params.put("concurrency", concurrency);
            params.put("duration_s", duration.toMillis() / 1000.0);
            var metrics = RunResult.ordered();
            metrics.put("requests_per_s", RunResult.round(requests.sum() / seconds));
            metrics.put("messages_per_s", RunResult.round(requests.sum() * (double) size / seconds));
            metrics.put("requests", requests.sum());
            metrics.put("errors", errors.sum());
            metrics.put("response_bytes", requests.sum() == 0 ? 0 : bytes.sum() / requests.sum());
            probes.report(before, after, requests.sum(), metrics);
            metrics.remove("redis_calls_by_command");
            metrics.put("redis_calls_per_request", metrics.remove("redis_calls_per_msg"));
            return new RunResult("history", "GET " + size + " messages", params, metrics,
                    RunResult.Latency.of(latencies.getIntervalHistogram()));
        } catch (Exception e) {
            throw new IllegalStateException("history reads of " + size + " failed", e);
        } finally {
            workers.shutdownNow();
        }
    }

    private static void sleepUntil(long nanos) {
        long left;
        while ((left = nanos - System.nanoTime()) > 0) {
            java.util.concurrent.locks.LockSupport.parkNanos(left);
        }
    }

    /** A socket that sends a fixed number of messages, a batch at a time, and waits for each batch's replies. */
    private static final class Filler implements LoadConnection.Sink {
        private final Endpoint endpoint;
        private final Load load;
        private final int exchanges;
        private final java.util.concurrent.Semaphore replies = new java.util.concurrent.Semaphore(0);

        Filler(Endpoint endpoint, Load load, int exchanges) {
            this.endpoint = endpoint;
            this.load = load;
            this.exchanges = exchanges;
        }

        String fill() {
            String session = "bench-history-" + Long.toString(System.currentTimeMillis(), 36);
            var connection = new LoadConnection(0, session, this);
            try {
                connection.open(HttpClient.newHttpClient(), endpoint.socket(session, true), true)
                        .get(30, java.util.concurrent.TimeUnit.SECONDS);
                int sent = 0;
                while (sent < exchanges) {
                    int batch = Math.min(50, exchanges - sent);
                    for (int i = 0; i < batch; i++) {
                        connection.send(System.nanoTime(), load.payload());
                    }
                    if (!replies.tryAcquire(batch, 30, java.util.concurrent.TimeUnit.SECONDS)) {
                        throw new IllegalStateException("no replies to the history's messages within 30 s");
                    }
                    sent += batch;
                }
                return session;
            } catch (Exception e) {
                throw new IllegalStateException("could not fill a session for the history reads", e);
            } finally {
                connection.close();
            }
        }

        @Override
        public void reply(LoadConnection connection, long seq, boolean persisted, long nanos) {
            connection.answered();
            if (persisted) {
                replies.release();
            }
        }

        @Override
        public void delivered(long nanos) {
        }

        @Override
        public void error(LoadConnection connection, String code) {
        }

        @Override
        public void closed(LoadConnection connection, String why) {
        }
    }
}
