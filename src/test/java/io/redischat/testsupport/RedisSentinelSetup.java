package io.redischat.testsupport;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Collectors;

/** A Redis master, its replicas and three Sentinels on loopback, for failover tests. */
public final class RedisSentinelSetup implements AutoCloseable {

    public static final String MASTER_NAME = "chat-master";

    private final RedisServerProcess master;
    private final List<RedisServerProcess> replicas = new ArrayList<>();
    private final List<RedisServerProcess> sentinels = new ArrayList<>();

    public RedisSentinelSetup(int replicaCount) {
        master = RedisServerProcess.start();
        for (int i = 0; i < replicaCount; i++) {
            replicas.add(RedisServerProcess.start("--replicaof", "127.0.0.1", Integer.toString(master.port())));
        }
        replicas.forEach(RedisSentinelSetup::awaitLinked);
        for (int i = 0; i < 3; i++) {
            sentinels.add(RedisServerProcess.startSentinel(MASTER_NAME, master.port()));
        }
        awaitSentinelsSeeReplicas();
    }

    public String url() {
        return "redis-sentinel://" + sentinels.stream().map(s -> "127.0.0.1:" + s.port())
                .collect(Collectors.joining(",")) + "/0?master=" + MASTER_NAME;
    }

    public RedisServerProcess master() {
        return master;
    }

    public List<RedisServerProcess> replicas() {
        return replicas;
    }

    /** The port Sentinel currently names as master. */
    public int currentMasterPort() {
        String reply = sentinels.get(0).command("SENTINEL", "get-master-addr-by-name", MASTER_NAME);
        String[] lines = reply.split("\r\n");
        return Integer.parseInt(lines[lines.length - 1]);
    }

    private static void awaitLinked(RedisServerProcess replica) {
        Await.until(() -> replica.command("INFO", "replication").contains("master_link_status:up"),
                Duration.ofSeconds(30), "replica linked to master");
    }

    private void awaitSentinelsSeeReplicas() {
        Await.until(() -> sentinels.stream().allMatch(s -> replicas.stream().allMatch(r ->
                s.command("SENTINEL", "replicas", MASTER_NAME).contains(Integer.toString(r.port())))),
                Duration.ofSeconds(30), "sentinels know the replicas");
    }

    @Override
    public void close() {
        sentinels.forEach(RedisServerProcess::close);
        replicas.forEach(RedisServerProcess::close);
        master.close();
    }
}
