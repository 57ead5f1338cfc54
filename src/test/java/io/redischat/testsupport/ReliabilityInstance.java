package io.redischat.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;

/**
 * One redis-chat instance with low limits, on a Redis of its own, shared by the test classes that do faults to them
 * (the {@code reliability} package): Payara Micro takes 10-15 s to start, so it starts once per test JVM, not once per
 * class. Its Redis writes an fsync'ed append-only file, so what it acknowledged survives its own restart. A test may
 * kill Redis or stop the application: {@link #get()} brings back whatever is down, whichever class runs next.
 */
public final class ReliabilityInstance {

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static ReliabilityInstance instance;

    private final RedisServerProcess redis;
    private final Map<String, String> environment = new HashMap<>();
    private PayaraMicroProcess app;

    private ReliabilityInstance(RedisServerProcess redis) {
        this.redis = redis;
        environment.putAll(Map.of(
                "CHANNEL_REDIS_URL", redis.url(),
                "CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND", "100",
                "CHAT_CONNECTION_SEND_BUFFER_BYTES", "65536",
                // the slow-consumer test's client stops reading for about 6 s of traffic: closed well within it
                "CHAT_CONNECTION_SEND_TIMEOUT_MS", "2000",
                "CHAT_CONNECTION_MAX_PENDING_WRITES", "32",
                // 32 writes of the slow-consumer test's 60 KB messages may wait; the count is what is tested here
                "CHAT_CONNECTION_MAX_PENDING_BYTES", "4194304",
                "CHAT_SESSION_MAX_CONNECTIONS", "6",
                "CHAT_MAX_CONNECTIONS", "14"));
    }

    /** The instance, with its Redis and its application running: started on first use, stopped with the JVM. */
    public static synchronized ReliabilityInstance get() {
        if (instance == null) {
            var redis = RedisServerProcess.start("--appendonly", "yes", "--appendfsync", "always");
            instance = new ReliabilityInstance(redis);
            Runtime.getRuntime().addShutdownHook(new Thread(instance::close, "stop-reliability-instance"));
        }
        if (!instance.redis.isRunning()) {
            instance.redis.launch();
        }
        if (instance.app == null || !instance.app.isRunning()) {
            instance.app = PayaraMicroProcess.start(instance.environment);
        }
        return instance;
    }

    public RedisServerProcess redis() {
        return redis;
    }

    /** The application as it runs now: after a test stopped it, {@link #get()} starts a new one. */
    public PayaraMicroProcess app() {
        return app;
    }

    public ServiceClient service() {
        return app.client();
    }

    /** GET of a path of the server ({@code /health/ready}, {@code /metrics?scope=application}, ...). */
    public HttpResponse<String> fetch(String path) throws IOException, InterruptedException {
        return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path)).build(),
                HttpResponse.BodyHandlers.ofString());
    }

    /** The HTTP status of a path of the server, or -1 when it does not answer within 5 s. */
    public int httpStatus(String path) {
        try {
            return HTTP.send(HttpRequest.newBuilder(URI.create("http://localhost:" + app.port() + path))
                    .timeout(Duration.ofSeconds(5)).build(), HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException e) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return -1;
        }
    }

    public void awaitStatus(String path, int status) {
        Await.until(() -> httpStatus(path) == status, Duration.ofSeconds(15), Duration.ofMillis(200),
                path + " answering " + status);
    }

    private synchronized void close() {
        if (app != null) {
            app.close();
        }
        redis.close();
    }
}
