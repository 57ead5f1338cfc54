package io.redischat.testsupport;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * One more redis-chat instance: the built WAR on its own Payara Micro process, with the environment a test chooses
 * (another CHANNEL_REDIS_URL, say). For what one Arquillian deployment cannot do: several instances at once, and
 * stopping or killing one of them.
 */
public final class PayaraMicroProcess implements AutoCloseable {

    private static final String DEPLOY_FAILED = "Exception while loading the app";

    private final int port;
    private final ExternalProcess process;

    private PayaraMicroProcess(int port, ExternalProcess process) {
        this.port = port;
        this.process = process;
    }

    public static PayaraMicroProcess start(Map<String, String> environment) {
        int port = FreePorts.pick();
        Path log;
        try {
            log = Files.createTempFile("redis-chat-micro-" + port + "-", ".log");
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        List<String> command = List.of(
                Path.of(System.getProperty("java.home"), "bin", "java").toString(),
                "-Xmx512m", "-jar", System.getProperty("payara.microJar", "target/payara-micro.jar"),
                "--deploy", System.getProperty("chat.war", "target/chat.war"),
                "--port", Integer.toString(port), "--nohazelcast",
                "--postbootcommandfile", "server-config/post-boot-commands.asadmin");
        var micro = new PayaraMicroProcess(port, ExternalProcess.start(command, log, environment));
        micro.awaitReady(Duration.ofSeconds(120));
        return micro;
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
        return process.log();
    }

    public boolean isRunning() {
        return process.isAlive();
    }

    /** SIGTERM and wait: the way an orchestrator stops an instance. */
    public void stop() {
        process.stop(Duration.ofSeconds(30));
    }

    /** SIGKILL: an instance that dies without a word to anyone. */
    public void kill() {
        process.kill();
    }

    @Override
    public void close() {
        if (process.isAlive()) {
            stop();
        }
    }

    private void awaitReady(Duration timeout) {
        var http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(1)).build();
        var status = HttpRequest.newBuilder(root().resolve("api/redis/status/")).timeout(Duration.ofSeconds(2)).build();
        try {
            process.awaitReady(() -> log().contains(DEPLOY_FAILED)
                    || send(http, status) == 200, timeout, Duration.ofMillis(250), "Payara Micro ready on " + port);
        } catch (IllegalStateException e) {
            close();
            throw new IllegalStateException("Payara Micro not ready in " + timeout + ":\n" + log(), e);
        }
        if (log().contains(DEPLOY_FAILED)) {
            close();
            throw new IllegalStateException("the WAR did not deploy:\n" + log());
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
}
