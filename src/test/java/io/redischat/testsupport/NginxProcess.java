package io.redischat.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.stream.Collectors;

/**
 * A real nginx running the repository's own {@code docker/nginx/nginx.conf}, with only what a test machine needs
 * changed: it listens on a free loopback port and its upstream servers are the given loopback addresses.
 */
public final class NginxProcess implements AutoCloseable {

    static final Path CONFIG = Path.of("docker/nginx/nginx.conf");
    static final Path UPSTREAM = Path.of("docker/nginx/upstream-blue-green.conf");

    private final Path prefix;
    private final int port;
    private final Process process;

    private NginxProcess(Path prefix, int port, Process process) {
        this.prefix = prefix;
        this.port = port;
        this.process = process;
    }

    /** Starts nginx in front of the given upstreams ({@code 127.0.0.1:8080}, ...). */
    public static NginxProcess start(List<String> upstreams) {
        try {
            Path prefix = Files.createTempDirectory("redis-chat-nginx-");
            Files.setPosixFilePermissions(prefix, PosixFilePermissions.fromString("rwxrwxrwx"));
            Files.createDirectories(prefix.resolve("logs"));
            int port = RedisServerProcess.freePort();
            Path config = prefix.resolve("nginx.conf");
            Files.writeString(config, localConfig(Files.readString(CONFIG), port, upstreams, prefix));
            Process process = new ProcessBuilder(nginxBinary(), "-p", prefix.toString(), "-c", config.toString(),
                    "-g", "daemon off;")
                    .redirectErrorStream(true)
                    .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
                    .start();
            var nginx = new NginxProcess(prefix, port, process);
            nginx.awaitListening();
            return nginx;
        } catch (IOException e) {
            throw new IllegalStateException("cannot start nginx (is it installed?)", e);
        }
    }

    /** {@code nginx -t} on the repository's config with one of its upstream files: is it valid configuration? */
    public static String check(Path upstreamFile, List<String> upstreams) {
        try {
            Path prefix = Files.createTempDirectory("redis-chat-nginx-check-");
            Files.createDirectories(prefix.resolve("logs"));
            Path config = prefix.resolve("nginx.conf");
            Files.writeString(config, localConfig(Files.readString(CONFIG), Files.readString(upstreamFile),
                    RedisServerProcess.freePort(), upstreams, prefix));
            Process test = new ProcessBuilder(nginxBinary(), "-t", "-p", prefix.toString(), "-c", config.toString())
                    .redirectErrorStream(true).start();
            String output = new String(test.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
            test.waitFor(20, TimeUnit.SECONDS);
            return test.exitValue() + ": " + output;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * The repository's nginx.conf with the upstream file it includes inlined, its app_* servers replaced by the
     * given addresses, and the listen port made a free loopback port.
     */
    static String localConfig(String config, int port, List<String> upstreams, Path prefix) {
        try {
            return localConfig(config, Files.readString(UPSTREAM), port, upstreams, prefix);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static String localConfig(String config, String upstreamFile, int port, List<String> upstreams, Path prefix) {
        String servers = upstreams.stream()
                .map(address -> "    server " + address + " max_fails=1 fail_timeout=2s;")
                .collect(Collectors.joining("\n"));
        String upstream = upstreamFile
                .replaceAll("(?m)^\\s*server\\s+app_[a-z]+:8080[^;]*;\\n?", "")
                .replaceFirst("upstream chat_app \\{\\n", Matcher.quoteReplacement("upstream chat_app {\n" + servers + "\n"));
        String local = config
                .replaceFirst("(?m)^\\s*listen\\s+80;", Matcher.quoteReplacement("        listen 127.0.0.1:" + port + ";"))
                .replaceFirst("(?m)^\\s*include\\s+\\S*chat-upstream\\.conf;", Matcher.quoteReplacement(upstream));
        String temp = prefix.toString();
        return "pid " + temp + "/nginx.pid;\nerror_log " + temp + "/logs/error.log warn;\n"
                + local.replaceFirst("http \\{", Matcher.quoteReplacement("http {\n    access_log " + temp
                + "/logs/access.log;\n    client_body_temp_path " + temp + "/client_body;\n    proxy_temp_path "
                + temp + "/proxy;\n    fastcgi_temp_path " + temp + "/fastcgi;\n    uwsgi_temp_path " + temp
                + "/uwsgi;\n    scgi_temp_path " + temp + "/scgi;\n"));
    }

    public int port() {
        return port;
    }

    public String errorLog() {
        try {
            return Files.readString(prefix.resolve("logs/error.log"));
        } catch (IOException e) {
            return "";
        }
    }

    private void awaitListening() {
        Await.until(() -> !process.isAlive() || listening(), java.time.Duration.ofSeconds(10),
                "nginx listening on " + port);
        if (!process.isAlive()) {
            throw new IllegalStateException("nginx exited: " + errorLog());
        }
    }

    private boolean listening() {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 200);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public void close() {
        process.destroy();
        try {
            if (!process.waitFor(5, TimeUnit.SECONDS)) {
                process.destroyForcibly();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    static String nginxBinary() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }
}
