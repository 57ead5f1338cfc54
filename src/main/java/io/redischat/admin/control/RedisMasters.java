package io.redischat.admin.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

import redis.clients.jedis.Connection;
import redis.clients.jedis.ConnectionPool;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.UnifiedJedis;
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

    /** The masters' names in scan order. */
    static List<String> of(UnifiedJedis client) {
        if (!(client instanceof RedisClusterClient cluster)) {
            return List.of(SINGLE);
        }
        var masters = new TreeMap<String, ConnectionPool>();
        for (Map.Entry<String, ConnectionPool> node : cluster.getClusterNodes().entrySet()) {
            try (Connection connection = node.getValue().getResource()) {
                List<Object> role = new Jedis(connection).role();
                if (!role.isEmpty() && "master".equals(text(role.get(0)))) {
                    masters.put(node.getKey(), node.getValue());
                }
            } catch (RuntimeException e) {
                // a node that does not answer is no master we can scan now; its replica takes over
            }
        }
        return new ArrayList<>(masters.keySet());
    }

    /** One SCAN step on the named master. */
    static ScanResult<String> scan(UnifiedJedis client, String master, String cursor, ScanParams params,
                                   String type) {
        if (client instanceof RedisClusterClient cluster) {
            ConnectionPool pool = cluster.getClusterNodes().get(master);
            if (pool == null) {
                throw new IllegalArgumentException("the cursor names a Redis node that is gone: start over");
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
