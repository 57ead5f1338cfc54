package io.redischat.admin.control;

import java.util.ArrayList;
import java.util.List;
import java.util.TreeSet;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisClusterOperationException;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;

/**
 * The servers whose keys a SCAN must walk: the one server (standalone, or Sentinel's current master), or every master
 * of a Cluster, in a stable order (by address) so a cursor can name where it stopped.
 */
final class RedisMasters {

    /** The name a cursor uses for the one server of a standalone or Sentinel deployment. */
    static final String SINGLE = "-";

    private RedisMasters() {
    }

    /**
     * The masters' names in scan order. A Cluster's come from {@code CLUSTER SLOTS} (the owner of each slot range),
     * asked of the first node that answers: {@code ROLE} would be simpler but is in {@code @dangerous}, which the
     * least-privilege ACL user of the README may not run.
     */
    static List<String> of(UnifiedJedis client) {
        if (!(client instanceof RedisClusterClient cluster)) {
            return List.of(SINGLE);
        }
        RuntimeException last = null;
        for (ConnectionPool pool : cluster.getClusterNodes().values()) {
            try (Connection connection = pool.getResource()) {
                var masters = new TreeSet<String>();
                for (Object range : new Jedis(connection).clusterSlots()) {
                    List<?> owner = (List<?>) ((List<?>) range).get(2);
                    masters.add(text(owner.get(0)) + ":" + owner.get(1));
                }
                return new ArrayList<>(masters);
            } catch (RuntimeException e) {
                last = e;
            }
        }
        throw last != null ? last : new IllegalStateException("no Redis Cluster node known");
    }

    /** One SCAN step on the named master. */
    static ScanResult<String> scan(UnifiedJedis client, String master, String cursor, ScanParams params,
                                   String type) {
        if (client instanceof RedisClusterClient cluster) {
            ConnectionPool pool = cluster.getClusterNodes().get(master);
            if (pool == null) {
                // CLUSTER SLOTS named a node the client has not met yet: its topology refresh will
                throw new JedisClusterOperationException("Redis Cluster node " + master + " not known yet: try again");
            }
            try (Connection connection = pool.getResource()) {
                return new Jedis(connection).scan(cursor, params, type);
            }
        }
        return client.scan(cursor, params, type);
    }

    private static String text(Object value) {
        return value instanceof byte[] bytes ? new String(bytes, java.nio.charset.StandardCharsets.UTF_8)
                : String.valueOf(value);
    }
}
