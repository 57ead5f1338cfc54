package io.redischat.bench;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.redischat.testsupport.ExternalProcess;
import io.redischat.testsupport.FreePorts;
import io.redischat.testsupport.RedisServerProcess;

/**
 * What the bench measures: its own redis-server on a free port and the built WAR on Payara Micro
 * ({@code -Dbench.server=payara}, the default) or WildFly ({@code -Dbench.server=wildfly}, from the
 * {@code wildfly-dist} zip the bench profile unpacks), started with the limits meant for people lifted (every client
 * of the bench is 127.0.0.1 and sends as fast as it can); or a running service at {@code -Dbench.url} (loopback
 * only), optionally with its Redis at {@code -Dbench.redis.port}.
 */
final class ChatServer implements AutoCloseable {

    private static final String DEPLOY_FAILED = "Exception while loading the app";
    /** The ports of WildFly's default standalone.xml, all moved by one port offset. */
    private static final List<Integer> WILDFLY_PORTS = List.of(8080, 8443, 8009, 9990, 9993, 4712, 4713);

    private final String name;
    private final URI root;
    private final RedisServerProcess redis;
    private final ExternalProcess process;
    private final int externalRedisPort;
    private final Path workDir;
    private volatile int lastStatus = -1;

    private ChatServer(String name, URI root, RedisServerProcess redis, ExternalProcess process, int externalRedisPort,
            Path workDir) {
        this.name = name;
        this.root = root;
        this.redis = redis;
        this.process = process;
        this.externalRedisPort = externalRedisPort;
        this.workDir = workDir;
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
            return new ChatServer(root.toString(), root, null, null, config.integer("redis.port", -1), null);
        }
        String kind = config.string("server", "payara");
        RedisServerProcess redis = RedisServerProcess.start();
        try {
            ChatServer server = switch (kind) {
                case "payara" -> payara(config, redis, liftedLimits(redis.url(), maxConnections));
                case "wildfly" -> wildfly(config, redis, liftedLimits(redis.url(), maxConnections));
                default -> throw new IllegalArgumentException("bench.server: payara or wildfly, not " + kind);
            };
            server.awaitReady(Duration.ofSeconds(180));
            return server;
        } catch (IOException | RuntimeException e) {
            redis.close();
            throw new IllegalStateException("could not start " + kind, e);
        }
    }

    private static ChatServer payara(BenchConfig config, RedisServerProcess redis, Map<String, String> environment)
            throws IOException {
        int port = FreePorts.pick();
        Path base = config.basedir();
        // a runtime directory of its own under target/, instead of a payaramicro-rt* folder left in /tmp
        Path runtime = Files.createDirectories(config.output().resolve("payara-" + port));
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx" + config.serverHeap(), "-jar",
                System.getProperty("payara.microJar", base.resolve("target/payara-micro.jar").toString()),
                "--deploy", war(config).toString(),
                "--port", Integer.toString(port), "--nohazelcast", "--rootdir", runtime.toString(),
                "--postbootcommandfile", base.resolve("server-config/post-boot-commands.asadmin").toString());
        var payara = ExternalProcess.start(command, config.output().resolve("payara-" + port + ".log"), environment);
        return new ChatServer("Payara Micro", URI.create("http://127.0.0.1:" + port + "/chat/"), redis, payara, -1,
                runtime);
    }

    /**
     * WildFly's {@code standalone.sh} with a server base directory of its own (configuration copied from the
     * distribution, the WAR in its deployments) and every port moved by one offset to free ones.
     */
    private static ChatServer wildfly(BenchConfig config, RedisServerProcess redis, Map<String, String> environment)
            throws IOException {
        Path home = Path.of(config.string("wildfly.home",
                config.basedir().resolve("target/wildfly-39.0.1.Final").toString()));
        if (!Files.isExecutable(home.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException("no WildFly at " + home + ": the bench profile unpacks it with "
                    + "-Dbench.server=wildfly (or set -Dbench.wildfly.home)");
        }
        int offset = freePortOffset();
        int port = 8080 + offset;
        Path base = config.output().resolve("wildfly-" + port);
        copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        Files.createDirectories(base.resolve("deployments"));
        Files.copy(war(config), base.resolve("deployments/chat.war"), StandardCopyOption.REPLACE_EXISTING);
        var env = new LinkedHashMap<>(environment);
        env.put("JAVA", Path.of(System.getProperty("java.home"), "bin", "java").toString());
        env.put("JAVA_OPTS", "-Xmx" + config.serverHeap() + " -Djava.net.preferIPv4Stack=true");
        List<String> command = List.of(home.resolve("bin/standalone.sh").toString(),
                "-Djboss.server.base.dir=" + base.toAbsolutePath(),
                "-Djboss.socket.binding.port-offset=" + offset, "-b", "127.0.0.1", "-bmanagement", "127.0.0.1");
        var wildfly = ExternalProcess.start(command, config.output().resolve("wildfly-" + port + ".log"), env);
        return new ChatServer("WildFly", URI.create("http://127.0.0.1:" + port + "/chat/"), redis, wildfly, -1, base);
    }

    private static Path war(BenchConfig config) {
        return Path.of(System.getProperty("chat.war", config.basedir().resolve("target/chat.war").toString()));
    }

    /** An offset that moves every port of WildFly's default configuration to a free one. */
    private static int freePortOffset() {
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = FreePorts.pick() - 8080;
            if (offset > 0 && WILDFLY_PORTS.stream().allMatch(p -> p + offset < 65536 && free(p + offset))) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for WildFly");
    }

    private static boolean free(int port) {
        try (var socket = new java.net.ServerSocket()) {
            socket.bind(new java.net.InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    URI root() {
        return root;
    }

    String name() {
        return name;
    }

    /** The server's JVM: for WildFly the {@code java} that {@code standalone.sh} started. */
    long serverPid() {
        if (process == null) {
            return -1;
        }
        return ProcessHandle.of(process.pid()).stream().flatMap(ProcessHandle::descendants)
                .filter(p -> p.info().command().map(c -> c.endsWith("/java")).orElse(false))
                .mapToLong(ProcessHandle::pid).findFirst().orElse(process.pid());
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
        if (process == null) {
            return -1;
        }
        String jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd").toString();
        String pid = Long.toString(serverPid());
        ExternalProcess.execute(null, Duration.ofSeconds(60), List.of(jcmd, pid, "GC.run"));
        String info = ExternalProcess.execute(null, Duration.ofSeconds(60), List.of(jcmd, pid, "GC.heap_info")).output();
        Matcher used = Pattern.compile("used (\\d+)K").matcher(info);
        return used.find() ? Long.parseLong(used.group(1)) : -1;
    }

    @Override
    public synchronized void close() {
        if (process != null) {
            // standalone.sh does not pass SIGTERM on to its java: stop the children first
            var children = new ArrayList<ProcessHandle>();
            ProcessHandle.of(process.pid()).ifPresent(p -> p.descendants().forEach(children::add));
            children.forEach(ProcessHandle::destroy);
            children.forEach(child -> {
                try {
                    child.onExit().get(30, java.util.concurrent.TimeUnit.SECONDS);
                } catch (Exception e) {
                    child.destroyForcibly();
                }
            });
            process.stop(Duration.ofSeconds(30));
        }
        if (redis != null) {
            redis.close();
        }
        if (workDir != null) {
            deleteRecursively(workDir);
        }
    }

    private void awaitReady(Duration timeout) {
        try {
            process.awaitReady(() -> deployFailed() || (lastStatus = status(root)) == 200, timeout,
                    Duration.ofMillis(250), name + " ready at " + root);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException("the last status answer was " + lastStatus + "; see " + process.logFile(), e);
        }
        if (deployFailed()) {
            String log = process.log();
            close();
            throw new IllegalStateException("the WAR did not deploy:\n" + log);
        }
    }

    private boolean deployFailed() {
        return process.log().contains(DEPLOY_FAILED) || Files.exists(workDir.resolve("deployments/chat.war.failed"));
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

    private static void copyTree(Path from, Path to) throws IOException {
        try (var walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
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
