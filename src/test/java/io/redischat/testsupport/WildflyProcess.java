package io.redischat.testsupport;

import java.io.IOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;

/**
 * The built WAR on WildFly ({@code standalone-microprofile.xml}), unpacked by the build from the
 * {@code wildfly-dist} zip ({@code -Dwildfly.home}): a server base directory of its own under {@code target/servers/},
 * {@code server-config/wildfly.cli} applied to it offline with the test's values, the WAR copied to its deployments,
 * every port moved to a free one by one offset. Health ({@code /health}) and the Micrometer registry's Prometheus
 * text ({@code /prometheus}) answer on the management interface.
 */
public final class WildflyProcess implements DeployedServer {

    /** The ports of standalone-microprofile.xml: http, https, ajp, management http/https, transactions. */
    private static final List<Integer> PORTS = List.of(8080, 8443, 8009, 9990, 9993, 4712, 4713);

    private final Path home;
    private final Path base;
    private final int offset;
    private final ExternalProcess process;

    private WildflyProcess(Path home, Path base, int offset, ExternalProcess process) {
        this.home = home;
        this.base = base;
        this.offset = offset;
        this.process = process;
    }

    /**
     * Starts WildFly with {@code cliValues} for {@code server-config/wildfly.cli} ({@code chat.redis.url},
     * {@code chat.session.ttl}) and {@code environment} added to the server's.
     */
    public static WildflyProcess start(Map<String, String> cliValues, Map<String, String> environment) {
        Path home = home();
        Path base = ServerProcesses.runDirectory("wildfly");
        ServerProcesses.copyTree(home.resolve("standalone/configuration"), base.resolve("configuration"));
        String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
        configure(home, base, java, cliValues);
        try {
            Files.createDirectories(base.resolve("deployments"));
            Files.copy(ServerProcesses.war(), base.resolve("deployments/chat.war"),
                    StandardCopyOption.REPLACE_EXISTING);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        int offset = ServerProcesses.freePortOffset(PORTS);
        var env = new LinkedHashMap<>(environment);
        env.put("JAVA", java);
        env.put("JAVA_OPTS", "-Xmx512m -Djava.net.preferIPv4Stack=true");
        var command = List.of(home.resolve("bin/standalone.sh").toString(), "-c", "standalone-microprofile.xml",
                "-Djboss.server.base.dir=" + base, "-Djboss.socket.binding.port-offset=" + offset,
                "-b", "127.0.0.1", "-bmanagement", "127.0.0.1");
        var wildfly = new WildflyProcess(home, base, offset,
                ExternalProcess.start(command, base.resolve("console.log"), env));
        wildfly.awaitReady(Duration.ofSeconds(180));
        return wildfly;
    }

    /** {@code jboss-cli.sh --file=server-config/wildfly.cli} on an embedded (offline) server of this base dir. */
    private static void configure(Path home, Path base, String java, Map<String, String> cliValues) {
        Path properties = base.resolve("wildfly.properties");
        try {
            Files.writeString(properties, cliValues.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
                    .collect(Collectors.joining("\n", "", "\n")));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
        var builder = new ProcessBuilder(home.resolve("bin/jboss-cli.sh").toString(), "--resolve-parameter-values",
                "--file=" + Path.of("server-config/wildfly.cli").toAbsolutePath(), "--properties=" + properties)
                .redirectErrorStream(true).redirectOutput(base.resolve("cli.log").toFile());
        builder.environment().put("JAVA", java);
        builder.environment().put("JAVA_OPTS", "-Djboss.server.base.dir=" + base);
        try {
            Process cli = builder.start();
            if (!cli.waitFor(120, TimeUnit.SECONDS) || cli.exitValue() != 0) {
                cli.destroyForcibly();
                throw new IllegalStateException("wildfly.cli failed:\n"
                        + ServerProcesses.read(base.resolve("cli.log")));
            }
        } catch (IOException e) {
            throw new IllegalStateException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    private static Path home() {
        Path home = Path.of(System.getProperty("wildfly.home", "target/wildfly-39.0.1.Final")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/standalone.sh"))) {
            throw new IllegalStateException("no WildFly at " + home + ": the build unpacks it in pre-integration-test");
        }
        return home;
    }

    @Override
    public String name() {
        return "WildFly " + home.getFileName().toString().replace("wildfly-", "");
    }

    @Override
    public URI root() {
        return URI.create("http://127.0.0.1:" + (8080 + offset) + "/chat/");
    }

    @Override
    public URI health() {
        return URI.create("http://127.0.0.1:" + (9990 + offset) + "/health/");
    }

    @Override
    public URI metrics() {
        return URI.create("http://127.0.0.1:" + (9990 + offset) + "/prometheus");
    }

    @Override
    public String log() {
        return ServerProcesses.read(base.resolve("log/server.log"));
    }

    private boolean deployFailed() {
        return Files.exists(base.resolve("deployments/chat.war.failed"));
    }

    private void awaitReady(Duration timeout) {
        ServerProcesses.awaitDeployed(this, process, this::deployFailed, timeout);
    }

    /** Stops standalone.sh and its java; the base directory stays under target/ for the log. */
    @Override
    public void close() {
        ServerProcesses.stopTree(process);
    }
}
