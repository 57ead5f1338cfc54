package io.redischat.testsupport;

import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;

/**
 * The built WAR on Payara Micro 7 (Jakarta EE 11), which needs Java 21 or later: run with the JDK at
 * {@code -Djava21.home} (the build's default is Temurin 25), the jar the build copied ({@code -Dpayara.micro7Jar}),
 * the boot options of {@code server-config/} and a runtime directory of its own under {@code target/servers/}.
 */
public final class PayaraMicro7Process implements DeployedServer {

    private static final String DEPLOY_FAILED = "Exception while loading the app";

    private final int port;
    private final Path runtime;
    private final ExternalProcess process;

    private PayaraMicro7Process(int port, Path runtime, ExternalProcess process) {
        this.port = port;
        this.runtime = runtime;
        this.process = process;
    }

    /** Starts it with {@code environment} (CHANNEL_REDIS_URL, REDIS_SESSION_TTL, ...) added to the test's. */
    public static PayaraMicro7Process start(Map<String, String> environment) {
        Path java = Path.of(System.getProperty("java21.home", "/usr/lib/jvm/temurin-25-jdk-amd64"), "bin", "java");
        Path jar = Path.of(System.getProperty("payara.micro7Jar", "target/payara-micro-7.jar")).toAbsolutePath();
        if (!Files.isExecutable(java)) {
            throw new IllegalStateException("Payara Micro 7 needs Java 21+: no " + java + " (set -Djava21.home)");
        }
        if (!Files.exists(jar)) {
            throw new IllegalStateException("no " + jar + ": the build copies it in pre-integration-test");
        }
        int port = FreePorts.pick();
        Path runtime = ServerProcesses.runDirectory("payara-micro7");
        List<String> command = List.of(java.toString(), "-Xmx512m", "-jar", jar.toString(),
                "--deploy", ServerProcesses.war().toString(), "--port", Integer.toString(port), "--nohazelcast",
                "--rootdir", runtime.resolve("root").toString(),
                "--postbootcommandfile",
                Path.of("server-config/post-boot-commands.asadmin").toAbsolutePath().toString());
        var micro = new PayaraMicro7Process(port, runtime,
                ExternalProcess.start(command, runtime.resolve("console.log"), environment));
        micro.awaitReady(Duration.ofSeconds(180));
        return micro;
    }

    @Override
    public String name() {
        return "Payara Micro " + System.getProperty("payara.micro7.version", "7");
    }

    @Override
    public URI root() {
        return URI.create("http://127.0.0.1:" + port + "/chat/");
    }

    @Override
    public URI health() {
        return URI.create("http://127.0.0.1:" + port + "/health/");
    }

    @Override
    public URI metrics() {
        return URI.create("http://127.0.0.1:" + port + "/metrics?scope=application");
    }

    @Override
    public String log() {
        return process.log();
    }

    private void awaitReady(Duration timeout) {
        ServerProcesses.awaitDeployed(this, process, () -> log().contains(DEPLOY_FAILED), timeout);
    }

    /** SIGTERM to its java (and SIGKILL after 30 s); the runtime directory is deleted, the log kept. */
    @Override
    public void close() {
        ServerProcesses.stopTree(process);
        ServerProcesses.deleteTree(runtime.resolve("root"));
    }
}
