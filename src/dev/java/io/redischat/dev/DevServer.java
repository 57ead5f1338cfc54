package io.redischat.dev;

import java.io.File;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.ArrayList;
import java.util.List;

import redis.embedded.RedisServer;

/**
 * The README's start command ({@code mvn -Pstart package}): runs the built WAR on Payara Micro at
 * {@code http://localhost:8080/chat/}. When {@code CHANNEL_REDIS_URL} is unset and nothing answers on
 * localhost:6379, it first starts an embedded Redis for development. Ctrl-C stops both.
 */
public final class DevServer {

    private DevServer() {
    }

    public static void main(String[] args) throws Exception {
        File microJar = new File(System.getProperty("payara.microJar", "target/payara-micro.jar"));
        File war = new File(System.getProperty("chat.war", "target/chat.war"));
        File postBoot = new File(System.getProperty("server.config", "server-config") + "/post-boot-commands.asadmin");
        String port = System.getenv().getOrDefault("HTTP_PORT", "8080");

        RedisServer embedded = null;
        if (System.getenv("CHANNEL_REDIS_URL") == null && !answers("localhost", 6379)) {
            embedded = new RedisServer(6379);
            embedded.start();
            System.out.println("[redis-chat] CHANNEL_REDIS_URL is unset and nothing answers on localhost:6379:"
                    + " started an embedded Redis there for development (data is not kept).");
        }

        List<String> command = new ArrayList<>(List.of(javaBinary(), "-jar", microJar.getPath(),
                "--deploy", war.getPath(), "--port", port, "--nohazelcast"));
        if (postBoot.isFile()) {
            command.addAll(List.of("--postbootcommandfile", postBoot.getPath()));
        }
        Process micro = new ProcessBuilder(command).inheritIO().start();
        RedisServer redis = embedded;
        Runtime.getRuntime().addShutdownHook(new Thread(() -> stop(micro, redis), "redis-chat-dev-stop"));
        System.out.println("[redis-chat] starting Payara Micro: http://localhost:" + port + "/chat/ (Ctrl-C stops)");
        int exit = micro.waitFor();
        stop(micro, redis);
        System.exit(exit);
    }

    private static void stop(Process micro, RedisServer redis) {
        if (micro.isAlive()) {
            micro.destroy();
            try {
                micro.waitFor();
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
            }
        }
        if (redis != null) {
            try {
                redis.stop();
            } catch (IOException | RuntimeException ignored) {
                // already stopped
            }
        }
    }

    private static boolean answers(String host, int port) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress(host, port), 300);
            return true;
        } catch (IOException e) {
            return false;
        }
    }

    private static String javaBinary() {
        return System.getProperty("java.home") + File.separator + "bin" + File.separator + "java";
    }
}
