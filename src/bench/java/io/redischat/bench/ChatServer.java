package io.redischat.bench;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redischat.testsupport.ExternalProcess;
import io.redischat.testsupport.FreePorts;
import io.redischat.testsupport.RedisServerProcess;

/**
 * What the bench measures: its own redis-server on a free port and the built WAR on Payara Micro, started with the
 * limits meant for people lifted (every client of the bench is 127.0.0.1 and sends as fast as it can), or a running
 * service at {@code -Dbench.url} (loopback only), optionally with its Redis at {@code -Dbench.redis.port}.
 */
final class ChatServer implements AutoCloseable {

    private static final String DEPLOY_FAILED = "Exception while loading the app";

    private final URI root;
    private final RedisServerProcess redis;
    private final ExternalProcess payara;
    private final int externalRedisPort;
    private final Path runtimeDir;

    private ChatServer(URI root, RedisServerProcess redis, ExternalProcess payara, int externalRedisPort,
            Path runtimeDir) {
        this.root = root;
        this.redis = redis;
        this.payara = payara;
        this.externalRedisPort = externalRedisPort;
        this.runtimeDir = runtimeDir;
    }

    /** The environment that lifts the per-person limits; {@code connections} is the most sockets the bench opens. */
    static Map<String, String> liftedLimits(String redisUrl, int connections) {
        var environment = new LinkedHashMap<String, String>();
        environment.put("CHANNEL_REDIS_URL", redisUrl);
        environment.put("CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND", "1000000");
        environment.put("CHAT_CLIENT_MAX_HANDSHAKES_PER_SECOND", "1000000");
        environment.put("CHAT_CLIENT_MAX_NEW_SESSIONS_PER_MINUTE", "100000000");
        environment.put("CHAT_CLIENT_MAX_CONNECTIONS", Integer.toString(connections + 1000));
        environment.put("CHAT_MAX_CONNECTIONS", Integer.toString(connections + 1000));
        environment.put("CHAT_SESSION_MAX_CONNECTIONS", "10000");
        // a run writes more than a person's session keeps: nothing acknowledged may be trimmed before the REST check
        environment.put("CHAT_HISTORY_MAX_LENGTH", "100000000");
        environment.put("CHAT_HISTORY_MAX_BYTES", "8000000000");
        return environment;
    }

    static ChatServer start(BenchConfig config, int maxConnections) {
        if (config.url() != null) {
            URI root = URI.create(config.url().endsWith("/") ? config.url() : config.url() + "/");
            if (!List.of("127.0.0.1", "localhost", "[::1]").contains(root.getHost())) {
                throw new IllegalArgumentException("bench.url must be a loopback URL, not " + root);
            }
            return new ChatServer(root, null, null, config.integer("redis.port", -1), null);
        }
        RedisServerProcess redis = RedisServerProcess.start();
        int port = FreePorts.pick();
        Path base = config.basedir();
        Path runtime = config.output().resolve("payara-" + port);
        try {
            Files.createDirectories(runtime);
            List<String> command = List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx" + config.serverHeap(), "-jar",
                    System.getProperty("payara.microJar", base.resolve("target/payara-micro.jar").toString()),
                    "--deploy", System.getProperty("chat.war", base.resolve("target/chat.war").toString()),
                    "--port", Integer.toString(port), "--nohazelcast", "--rootdir", runtime.toString(),
                    "--postbootcommandfile", base.resolve("server-config/post-boot-commands.asadmin").toString());
            var payara = ExternalProcess.start(command, config.output().resolve("payara-" + port + ".log"),
                    liftedLimits(redis.url(), maxConnections));
            var server = new ChatServer(URI.create("http://127.0.0.1:" + port + "/chat/"), redis, payara, -1, runtime);
            server.awaitReady(Duration.ofSeconds(180));
            return server;
        } catch (IOException | RuntimeException e) {
            redis.close();
            throw new IllegalStateException("could not start Payara Micro", e);
        }
    }

    URI root() {
        return root;
    }

    String name() {
        return payara == null ? root.toString() : "Payara Micro";
    }

    long serverPid() {
        return payara == null ? -1 : payara.pid();
    }

    int redisPort() {
        return redis != null ? redis.port() : externalRedisPort;
    }

    Probes probes() {
        return new Probes(serverPid(), redis == null ? -1 : redis.pid(), redisPort());
    }

    /** Frees Redis' memory between runs: each run uses sessions of its own. */
    void flushRedis() {
        if (redis != null) {
            RedisCli.command(redis.port(), "FLUSHALL");
        }
    }

    /** Heap in use after a full GC, in KiB (jcmd GC.run, GC.heap_info), or -1. */
    long heapUsedAfterGcKib() {
        if (payara == null) {
            return -1;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String pid = Long.toString(payara.pid());
        ExternalProcess.execute(null, Duration.ofSeconds(60), List.of(jcmd, pid, "GC.run"));
        String info = ExternalProcess.execute(null, Duration.ofSeconds(60), List.of(jcmd, pid, "GC.heap_info")).output();
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    String log() {
        return payara == null ? "" : payara.log();
    }

    @Override
    public void close() {
        if (payara != null) {
            payara.stop(Duration.ofSeconds(30));
        }
        if (redis != null) {
            redis.close();
        }
        if (runtimeDir != null) {
            deleteRecursively(runtimeDir);
        }
    }

    private void awaitReady(Duration timeout) {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        var status = HttpRequest.newBuilder(root.resolve("api/redis/status/")).timeout(Duration.ofSeconds(2)).build();
        try {
            payara.awaitReady(() -> payara.log().contains(DEPLOY_FAILED) || send(http, status) == 200, timeout,
                    Duration.ofMillis(250), "Payara Micro ready at " + root);
        } catch (IllegalStateException e) {
            close();
            throw e;
        }
        if (payara.log().contains(DEPLOY_FAILED)) {
            String log = payara.log();
            close();
            throw new IllegalStateException("the WAR did not deploy:\n" + log);
        }
    }

    private static int send(HttpClient http, HttpRequest request) {
        try {
            return http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode();
        } catch (IOException notYet) {
            return -1;
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static void deleteRecursively(Path path) {
        try (var walk = Files.walk(path)) {
            walk.sorted(java.util.Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is under target/
        }
    }
}
