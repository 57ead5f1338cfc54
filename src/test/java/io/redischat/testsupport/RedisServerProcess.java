package io.redischat.testsupport;

import java.io.File;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * A real {@code redis-server} on a loopback port, owned by a test: started, killed (SIGKILL), hung (SIGSTOP) and
 * resumed, and restarted on the same port. Nothing is saved to disk, so a restart comes back empty.
 */
public final class RedisServerProcess implements AutoCloseable {

    private final int port;
    private final List<String> extraArgs;
    private final String sentinelConfig;
    private final Path workDir;
    private ExternalProcess process;

    private RedisServerProcess(int port, List<String> extraArgs) {
        this(port, extraArgs, null);
    }

    private RedisServerProcess(int port, List<String> extraArgs, String sentinelConfig) {
        this.port = port;
        this.extraArgs = List.copyOf(extraArgs);
        this.sentinelConfig = sentinelConfig;
        try {
            this.workDir = Files.createTempDirectory("redis-chat-redis-" + port + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** Starts a Redis on a free port. */
    public static RedisServerProcess start(String... extraArgs) {
        return startOn(FreePorts.pick(), extraArgs);
    }

    /** Starts a Redis on the given port (one reserved by the build, for example). */
    public static RedisServerProcess startOn(int port, String... extraArgs) {
        var redis = new RedisServerProcess(port, List.of(extraArgs));
        redis.launch();
        return redis;
    }

    /** A Sentinel on a free port watching {@code masterName} at the given master port, quorum 2, fast failover. */
    public static RedisServerProcess startSentinel(String masterName, int masterPort) {
        String config = "port 0\nbind 127.0.0.1\nsentinel monitor " + masterName + " 127.0.0.1 " + masterPort + " 2\n"
                + "sentinel down-after-milliseconds " + masterName + " 1000\n"
                + "sentinel failover-timeout " + masterName + " 5000\n"
                + "sentinel parallel-syncs " + masterName + " 1\n";
        var sentinel = new RedisServerProcess(FreePorts.pick(), List.of(), config);
        sentinel.launch();
        return sentinel;
    }

    public int port() {
        return port;
    }

    public String url() {
        return "redis://127.0.0.1:" + port + "/0";
    }

    public long pid() {
        return process.pid();
    }

    public boolean isRunning() {
        return process != null && process.isAlive();
    }

    public synchronized void launch() {
        if (isRunning()) {
            return;
        }
        var command = new ArrayList<String>();
        if (sentinelConfig != null) {
            Path config = workDir.resolve("sentinel.conf");
            try {
                Files.writeString(config, sentinelConfig.replace("port 0", "port " + port));
            } catch (IOException e) {
                throw new IllegalStateException(e);
            }
            command.addAll(List.of(redisServerBinary(), config.toString(), "--sentinel", "--dir", workDir.toString()));
        } else {
            command.addAll(List.of(redisServerBinary(), "--port", Integer.toString(port),
                    "--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--dir", workDir.toString(),
                    "--daemonize", "no", "--loglevel", "warning"));
        }
        command.addAll(extraArgs);
        process = ExternalProcess.start(command, workDir.resolve("redis.log"));
        process.awaitReady(() -> command("PING").startsWith("+PONG"), Duration.ofSeconds(10), Duration.ofMillis(20),
                "redis-server on port " + port + " to answer PING");
    }

    /** SIGKILL: Redis vanishes at once, losing everything it held. */
    public synchronized void kill() {
        if (process != null) {
            process.kill();
        }
    }

    /** SIGSTOP: Redis keeps its sockets open and answers nothing. */
    public void pause() {
        process.signal("STOP");
    }

    /** SIGCONT after {@link #pause()}. */
    public void resume() {
        process.signal("CONT");
    }

    /** Kills and starts again on the same port: an empty Redis. */
    public void restart() {
        kill();
        launch();
    }

    /** Sends one command in RESP and returns the raw reply, so tests can look into Redis without a client. */
    public String command(String... args) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
            socket.setSoTimeout(2000);
            var request = new StringBuilder("*").append(args.length).append("\r\n");
            for (String arg : args) {
                request.append('$').append(arg.getBytes(StandardCharsets.UTF_8).length).append("\r\n")
                        .append(arg).append("\r\n");
            }
            OutputStream out = socket.getOutputStream();
            out.write(request.toString().getBytes(StandardCharsets.UTF_8));
            out.flush();
            InputStream in = socket.getInputStream();
            byte[] buffer = new byte[65536];
            int read = in.read(buffer);
            return read < 0 ? "" : new String(buffer, 0, read, StandardCharsets.UTF_8);
        } catch (IOException e) {
            throw new IllegalStateException("redis on port " + port + " did not answer " + String.join(" ", args), e);
        }
    }

    @Override
    public void close() {
        kill();
        deleteQuietly(workDir.toFile());
    }

    static String redisServerBinary() {
        for (String candidate : List.of("/usr/bin/redis-server", "/usr/local/bin/redis-server")) {
            if (new File(candidate).canExecute()) {
                return candidate;
            }
        }
        return "redis-server";
    }

    private static void deleteQuietly(File file) {
        File[] children = file.listFiles();
        if (children != null) {
            for (File child : children) {
                deleteQuietly(child);
            }
        }
        file.delete();
    }
}
