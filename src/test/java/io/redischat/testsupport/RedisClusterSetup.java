package io.redischat.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A Redis Cluster of three masters, each with one replica, on loopback, made with {@code redis-cli --cluster}. */
public final class RedisClusterSetup implements AutoCloseable {

    private final List<RedisServerProcess> nodes = new ArrayList<>();

    public RedisClusterSetup() {
        for (int i = 0; i < 6; i++) {
            int port = FreePorts.pick();
            nodes.add(RedisServerProcess.startOn(port, "--cluster-enabled", "yes",
                    "--cluster-config-file", "nodes-" + port + ".conf", "--cluster-node-timeout", "1000"));
        }
        List<String> command = new ArrayList<>(List.of("redis-cli", "--cluster", "create"));
        nodes.forEach(n -> command.add("127.0.0.1:" + n.port()));
        command.addAll(List.of("--cluster-replicas", "1", "--cluster-yes"));
        ExternalProcess.execute(null, Duration.ofSeconds(60), command).orThrow();
        Await.until(() -> nodes.stream().allMatch(n -> n.command("CLUSTER", "INFO").contains("cluster_state:ok")),
                Duration.ofSeconds(30), "cluster state ok on every node");
    }

    public String url() {
        return "redis-cluster://" + nodes.subList(0, 3).stream().map(n -> "127.0.0.1:" + n.port())
                .collect(Collectors.joining(","));
    }

    public List<RedisServerProcess> nodes() {
        return nodes;
    }

    /** The master that serves the slot of {@code key} now: the one node that does not answer MOVED. */
    public RedisServerProcess ownerOf(String key) {
        for (RedisServerProcess node : nodes) {
            if (node.isRunning() && node.command("ROLE").contains("master")
                    && !node.command("EXISTS", key).startsWith("-")) {
                return node;
            }
        }
        throw new IllegalStateException("no node serves " + key);
    }

    public int mastersHoldingKeysMatching(String pattern) {
        int count = 0;
        for (RedisServerProcess node : nodes) {
            if (node.command("ROLE").contains("master") && !node.command("KEYS", pattern).startsWith("*0")) {
                count++;
            }
        }
        return count;
    }

    @Override
    public void close() {
        nodes.forEach(RedisServerProcess::close);
    }
}
