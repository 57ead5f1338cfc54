package io.redischat.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** What the application-server processes of the tests share: ports, files, readiness, and stopping their tree. */
final class ServerProcesses {

    private ServerProcesses() {
    }

    /** The build's WAR ({@code -Dchat.war}, else {@code target/chat.war}). */
    static Path war() {
        return Path.of(System.getProperty("chat.war", "target/chat.war")).toAbsolutePath();
    }

    /** A fresh directory under {@code target/servers/} for one server run. */
    static Path runDirectory(String name) {
        try {
            Path parent = Files.createDirectories(Path.of("target", "servers").toAbsolutePath());
            return Files.createTempDirectory(parent, name + "-");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** An offset that moves every one of {@code defaults} to a free loopback port. */
    static int freePortOffset(List<Integer> defaults) {
        int lowest = defaults.stream().mapToInt(Integer::intValue).min().orElseThrow();
        for (int attempt = 0; attempt < 50; attempt++) {
            int offset = FreePorts.pick() - lowest;
            if (offset > 0 && defaults.stream().allMatch(p -> p + offset < 65536 && free(p + offset))) {
                return offset;
            }
        }
        throw new IllegalStateException("no free port offset for " + defaults);
    }

    static boolean free(int port) {
        try (var socket = new ServerSocket()) {
            socket.bind(new InetSocketAddress("127.0.0.1", port));
            return true;
        } catch (IOException taken) {
            return false;
        }
    }

    /**
     * The status code of {@code GET api/redis/status/} on a connection of its own, or -1: a fresh plain HTTP/1.1
     * connection per poll, as the bench learned (a kept JDK HttpClient connection once never saw the 200).
     */
    static int status(URI root) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(root.getHost(), root.getPort()), 1000);
            socket.setSoTimeout(2000);
            socket.getOutputStream().write(("GET " + root.getPath() + "api/redis/status/ HTTP/1.1\r\nHost: "
                    + root.getHost() + ":" + root.getPort() + "\r\nConnection: close\r\n\r\n")
                    .getBytes(StandardCharsets.US_ASCII));
            String line = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.US_ASCII))
                    .readLine();
            return line == null || !line.startsWith("HTTP/1.1 ") ? -1 : Integer.parseInt(line.substring(9, 12));
        } catch (IOException | RuntimeException notYet) {
            return -1;
        }
    }

    /**
     * Waits until the server answers 200 at its application root, or its deployment failed; either failure stops the
     * server and throws with its log.
     */
    static void awaitDeployed(DeployedServer server, ExternalProcess process, java.util.function.BooleanSupplier
            deployFailed, Duration timeout) {
        try {
            process.awaitReady(() -> deployFailed.getAsBoolean() || status(server.root()) == 200, timeout,
                    Duration.ofMillis(250), server.name() + " ready at " + server.root());
        } catch (IllegalStateException e) {
            String log = server.log();
            server.close();
            throw new IllegalStateException(server.name() + " not ready:\n" + log, e);
        }
        if (deployFailed.getAsBoolean()) {
            String log = server.log();
            server.close();
            throw new IllegalStateException("the WAR did not deploy on " + server.name() + ":\n" + log);
        }
    }

    /**
     * Stops a started script and everything under it: its children first (a launcher script such as
     * {@code standalone.sh} does not pass SIGTERM on to its java), then the script. Only this tree, never by name.
     */
    static void stopTree(ExternalProcess process) {
        var children = new ArrayList<ProcessHandle>();
        ProcessHandle.of(process.pid()).ifPresent(p -> p.descendants().forEach(children::add));
        children.forEach(ProcessHandle::destroy);
        for (ProcessHandle child : children) {
            try {
                child.onExit().get(30, TimeUnit.SECONDS);
            } catch (Exception e) {
                child.destroyForcibly();
            }
        }
        process.stop(Duration.ofSeconds(30));
    }

    static void copyTree(Path from, Path to) {
        try (var walk = Files.walk(from)) {
            for (Path source : walk.toList()) {
                Path target = to.resolve(from.relativize(source).toString());
                if (Files.isDirectory(source)) {
                    Files.createDirectories(target);
                } else {
                    Files.copy(source, target, StandardCopyOption.REPLACE_EXISTING);
                }
            }
        } catch (IOException e) {
            throw new IllegalStateException("cannot copy " + from, e);
        }
    }

    static void deleteTree(Path path) {
        try (var walk = Files.walk(path)) {
            walk.sorted(Comparator.reverseOrder()).forEach(p -> p.toFile().delete());
        } catch (IOException ignored) {
            // best effort: it is under target/
        }
    }

    static String read(Path file) {
        try {
            return Files.readString(file);
        } catch (IOException e) {
            return "";
        }
    }
}
