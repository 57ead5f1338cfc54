package io.redischat.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.List;
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
    private final ExternalProcess process;

    private NginxProcess(Path prefix, int port, ExternalProcess process) {
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
            int port = FreePorts.pick();
            Path config = prefix.resolve("nginx.conf");
            Files.writeString(config, localConfig(Files.readString(CONFIG), port, upstreams, prefix));
            var nginx = new NginxProcess(prefix, port, ExternalProcess.start(List.of(nginxBinary(),
                    "-p", prefix.toString(), "-c", config.toString(), "-g", "daemon off;"),
                    prefix.resolve("logs/stdout.log")));
            try {
                nginx.process.awaitReady(nginx::listening, Duration.ofSeconds(10), Duration.ofMillis(50),
                        "nginx listening on " + port);
            } catch (IllegalStateException e) {
                nginx.close();
                throw new IllegalStateException("nginx did not start: " + nginx.errorLog(), e);
            }
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
                    FreePorts.pick(), upstreams, prefix));
            var test = ExternalProcess.execute(null, Duration.ofSeconds(20),
                    List.of(nginxBinary(), "-t", "-p", prefix.toString(), "-c", config.toString()));
            return test.exitCode() + ": " + test.output();
        } catch (IOException e) {
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
        process.close();
    }

    static String nginxBinary() {
        return Files.isExecutable(Path.of("/usr/sbin/nginx")) ? "/usr/sbin/nginx" : "nginx";
    }
}
