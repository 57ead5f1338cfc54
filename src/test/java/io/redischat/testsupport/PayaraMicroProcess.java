package io.redischat.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * One more redis-chat instance: the built WAR on its own Payara Micro process, with the environment a test chooses
 * (another CHANNEL_REDIS_URL, say). For what one Arquillian deployment cannot do: several instances at once, and
 * stopping or killing one of them.
 */
public final class PayaraMicroProcess implements AutoCloseable {

    private final int port;
    private final Process process;
    private final Path log;

    private PayaraMicroProcess(int port, Process process, Path log) {
        this.port = port;
        this.process = process;
        this.log = log;
    }

    public static PayaraMicroProcess start(Map<String, String> environment) {
        int port = RedisServerProcess.freePort();
        try {
            Path log = Files.createTempFile("redis-chat-micro-" + port + "-", ".log");
            List<String> command = new ArrayList<>(List.of(
                    Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                    "-Xmx512m", "-jar", System.getProperty("payara.microJar", "target/payara-micro.jar"),
                    "--deploy", System.getProperty("chat.war", "target/chat.war"),
                    "--port", Integer.toString(port), "--nohazelcast",
                    "--postbootcommandfile", "server-config/post-boot-commands.asadmin"));
            var builder = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(log.toFile());
            builder.environment().putAll(environment);
            var micro = new PayaraMicroProcess(port, builder.start(), log);
            micro.awaitReady(Duration.ofSeconds(120));
            return micro;
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    public int port() {
        return port;
    }

    public URI root() {
        return URI.create("http://localhost:" + port + "/chat/");
    }

    public ServiceClient client() {
        return ServiceClient.at(root());
    }

    public String log() {
        try {
            return Files.readString(log);
        } catch (IOException e) {
            return "";
        }
    }

    /** SIGTERM and wait: the way an orchestrator stops an instance. */
    public void stop() {
        process.destroy();
        try {
            if (!process.waitFor(30, TimeUnit.SECONDS)) {
                process.destroyForcibly().waitFor();
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private void awaitReady(Duration timeout) {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        long deadline = System.nanoTime() + timeout.toNanos();
        while (System.nanoTime() < deadline) {
            if (!process.isAlive()) {
                throw new IllegalStateException("Payara Micro exited:\n" + log());
            }
            if (log().contains("Exception while loading the app")) {
                close();
                throw new IllegalStateException("the WAR did not deploy:\n" + log());
            }
            try {
                var request = HttpRequest.newBuilder(root().resolve("api/redis/status/"))
                        .timeout(Duration.ofSeconds(2)).build();
                if (http.send(request, HttpResponse.BodyHandlers.discarding()).statusCode() == 200) {
                    return;
                }
            } catch (IOException notYet) {
                // still booting
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
            try {
                Thread.sleep(250);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            }
        }
        close();
        throw new IllegalStateException("Payara Micro not ready in " + timeout + ":\n" + log());
    }
}
