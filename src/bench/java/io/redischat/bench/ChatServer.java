package io.redischat.bench;

import java.io.IOException;
import java.net.URI;
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
    private volatile int lastStatus = -1;

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
        try {
            payara.awaitReady(() -> payara.log().contains(DEPLOY_FAILED) || (lastStatus = status(root)) == 200,
                    timeout, Duration.ofMillis(250), "Payara Micro ready at " + root);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException("the last status answer was " + lastStatus + "; see " + payara.logFile(), e);
        }
        if (payara.log().contains(DEPLOY_FAILED)) {
            String log = payara.log();
            close();
            throw new IllegalStateException("the WAR did not deploy:\n" + log);
        }
    }

    /**
     * The status code of {@code GET api/redis/status/} on a connection of its own (HTTP/1.1, closed after), or -1.
     * Polling with the JDK HttpClient, which keeps its connection and offers HTTP/2, once waited three minutes past
     * Payara's "ready" without a 200 (cause not found); a fresh plain connection per poll leaves nothing to keep.
     */
    static int status(URI root) {
        try (var socket = new java.net.Socket()) {
            socket.connect(new java.net.InetSocketAddress(root.getHost(), root.getPort()), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("GET " + root.getPath() + "api/redis/status/ HTTP/1.1\r\nHost: "
                    + root.getHost() + ":" + root.getPort() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
            String line = new java.io.BufferedReader(new java.io.InputStreamReader(socket.getInputStream(),
                    java.nio.charset.StandardCharsets.US_ASCII)).readLine();
            return line == null || !line.startsWith("HTTP/1.1 ") ? -1 : Integer.parseInt(line.substring(9, 12));
        } catch (IOException | RuntimeException notYet) {
            return -1;
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
