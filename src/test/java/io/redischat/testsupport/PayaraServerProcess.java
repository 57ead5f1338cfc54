package io.redischat.testsupport;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * The built WAR on Payara Server 6 (the full server), unpacked by the build from the {@code payara} zip
 * ({@code -Dpayara.server.home}): a domain of its own under {@code target/servers/} (the distribution's domain1,
 * copied) on free ports (one port base), started in the foreground ({@code start-domain --verbose}, so the server
 * is this process's child), then {@code server-config/payara-server.asadmin} run against its admin port with the
 * test's values: settings, log levels, and the deployment.
 */
public final class PayaraServerProcess implements DeployedServer {

    /** Where create-domain puts the ports of a port base: IIOP (3), admin, OSGi shell, JMS, HTTP, HTTPS, JMX. */
    private static final List<Integer> PORT_BASE_OFFSETS = List.of(37, 38, 39, 48, 66, 76, 80, 81, 86);
    /** The settings the server gets from its domain, not from the environment the tests run in. */
    private static final List<String> CONFIG_FROM_ENVIRONMENT = List.of("CHANNEL_REDIS_URL", "REDIS_SESSION_TTL");

    private final Path home;
    private final Path domains;
    private final int portBase;
    private final ExternalProcess process;

    private PayaraServerProcess(Path home, Path domains, int portBase, ExternalProcess process) {
        this.home = home;
        this.domains = domains;
        this.portBase = portBase;
        this.process = process;
    }

    /** Starts a domain and applies the asadmin script with {@code values} ({@code chat.redis.url}, ...). */
    public static PayaraServerProcess start(Map<String, String> values) {
        return start(values, Map.of());
    }

    /** As {@link #start(Map)}, with these variables in the server's environment too. */
    public static PayaraServerProcess start(Map<String, String> values, Map<String, String> environment) {
        Path home = Path.of(System.getProperty("payara.server.home", "target/payara6")).toAbsolutePath();
        if (!Files.isExecutable(home.resolve("bin/asadmin"))) {
            throw new IllegalStateException("no Payara Server at " + home
                    + ": the build unpacks it in pre-integration-test");
        }
        Path domains = ServerProcesses.runDirectory("payara-server");
        int portBase = ServerProcesses.freePortOffset(PORT_BASE_OFFSETS);
        copyDomain(home, domains.resolve("chat"), portBase);
        var command = List.of(home.resolve("bin/asadmin").toString(), "start-domain", "--verbose",
                "--domaindir", domains.toString(), "chat");
        var server = new PayaraServerProcess(home, domains, portBase,
                ExternalProcess.start(command, domains.resolve("console.log"), environment(environment)));
        try {
            server.process.awaitReady(() -> listening(portBase + 48), Duration.ofSeconds(120), Duration.ofMillis(250),
                    "Payara Server's admin port " + (portBase + 48));
            var all = new LinkedHashMap<>(values);
            all.put("chat.war", ServerProcesses.war().toString());
            server.applyScript(all);
            server.process.awaitReady(() -> ServerProcesses.status(server.root()) == 200, Duration.ofSeconds(120),
                    Duration.ofMillis(250), "redis-chat on Payara Server at " + server.root());
        } catch (RuntimeException e) {
            String log = server.log();
            server.close();
            throw new IllegalStateException("Payara Server not ready:\n" + log, e);
        }
        return server;
    }

    /** {@code server-config/payara-server.asadmin} with the values in place, in multimode on the admin port. */
    private void applyScript(Map<String, String> values) {
        try {
            String script = Files.readString(Path.of("server-config/payara-server.asadmin"));
            for (var value : values.entrySet()) {
                script = script.replace("${" + value.getKey() + "}", value.getValue());
            }
            Path file = domains.resolve("payara-server.asadmin");
            Files.writeString(file, script);
            asadmin(home, Duration.ofSeconds(180), "--port",
                    Integer.toString(portBase + 48), "multimode", "--file", file.toString());
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /**
     * The distribution's {@code domain1} (admin without password) copied as {@code chat} with its ports moved to the
     * port base, as {@code create-domain --portbase} would place them; copying takes a second where create-domain
     * takes about 25 s here. Hazelcast's ports too, so it never meets another domain's data grid on this machine.
     */
    private static void copyDomain(Path home, Path domain, int portBase) {
        ServerProcesses.copyTree(home.resolve("glassfish/domains/domain1"), domain);
        Path xml = domain.resolve("config/domain.xml");
        try {
            String config = Files.readString(xml);
            for (var port : Map.of(4848, 48, 8080, 80, 8181, 81, 3700, 37, 3820, 38, 3920, 39, 8686, 86).entrySet()) {
                config = config.replace("port=\"" + port.getKey() + "\"",
                        "port=\"" + (portBase + port.getValue()) + "\"");
            }
            config = config.replace("value=\"7676\"", "value=\"" + (portBase + 76) + "\"")
                    .replace("value=\"26666\"", "value=\"" + (portBase + 66) + "\"")
                    .replace("start-port=\"5900\" das-port=\"4900\"",
                            "start-port=\"" + FreePorts.pick() + "\" das-port=\"" + FreePorts.pick() + "\"");
            Files.writeString(xml, config);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    private static void asadmin(Path home, Duration timeout, String... arguments) {
        var command = new ArrayList<String>();
        command.add(home.resolve("bin/asadmin").toString());
        command.addAll(List.of(arguments));
        ExternalProcess.execute(null, timeout, command).orThrow();
    }

    /** The server's environment: the test JVM's without the settings, which the domain holds. */
    private static Map<String, String> environment(Map<String, String> extra) {
        var env = new HashMap<String, String>(extra);
        env.put("AS_JAVA", System.getProperty("java.home"));
        CONFIG_FROM_ENVIRONMENT.forEach(name -> env.put(name, null));
        return env;
    }

    private static boolean listening(int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 500);
            return true;
        } catch (IOException notYet) {
            return false;
        }
    }

    @Override
    public String name() {
        return "Payara Server " + System.getProperty("payara.server.version", "6");
    }

    @Override
    public URI root() {
        return URI.create("http://127.0.0.1:" + (portBase + 80) + "/chat/");
    }

    @Override
    public URI health() {
        return URI.create("http://127.0.0.1:" + (portBase + 80) + "/health/");
    }

    @Override
    public URI metrics() {
        return URI.create("http://127.0.0.1:" + (portBase + 80) + "/metrics?scope=application");
    }

    @Override
    public String log() {
        return ServerProcesses.read(domains.resolve("chat/logs/server.log"));
    }

    /** Stops start-domain --verbose and the server under it; keeps the server's log, deletes the domain (140 MB). */
    @Override
    public void close() {
        ServerProcesses.stopTree(process);
        try {
            Files.writeString(domains.resolve("server.log"), log());
        } catch (IOException e) {
            // the log is a convenience; the domain goes anyway
        }
        ServerProcesses.deleteTree(domains.resolve("chat"));
    }
}
