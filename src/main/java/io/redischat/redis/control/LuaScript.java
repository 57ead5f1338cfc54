package io.redischat.redis.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;
import java.util.List;

import redis.clients.jedis.Pipeline;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.util.JedisClusterCRC16;
import redis.clients.jedis.exceptions.JedisNoScriptException;

/**
 * A Lua script from the class path, run by its SHA1 ({@code EVALSHA}) and sent whole ({@code EVAL}) only when
 * Redis does not know it yet (first use, or after a restart or failover emptied its script cache).
 */
public final class LuaScript {

    private final String source;
    private final String sha;

    private LuaScript(String source) {
        this.source = source;
        this.sha = sha1(source);
    }

    public static LuaScript fromResource(Class<?> neighbour, String resourceName) {
        try (InputStream in = neighbour.getResourceAsStream(resourceName)) {
            if (in == null) {
                throw new IllegalStateException("Lua script not on the class path: " + resourceName);
            }
            return new LuaScript(new String(in.readAllBytes(), StandardCharsets.UTF_8));
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }

    /** The SHA1 Redis knows the script by. */
    String sha() {
        return sha;
    }

    public Object run(UnifiedJedis jedis, List<String> keys, List<String> args) {
        try {
            return jedis.evalsha(sha, keys, args);
        } catch (JedisNoScriptException e) {
            return jedis.eval(source, keys, args);
        }
    }

    /**
     * Runs the script and then {@code WAIT replicas timeout} on the same connection, so the count says how many
     * replicas have this write. Returns the script's reply; throws if fewer replicas confirmed in time.
     */
    public Object runAndWait(UnifiedJedis jedis, List<String> keys, List<String> args, int replicas, long timeoutMs) {
        if (jedis instanceof RedisClusterClient cluster) {
            try (Connection connection = cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(keys.get(0)))) {
                Jedis single = new Jedis(connection);
                Object reply;
                try {
                    reply = single.evalsha(sha, keys, args);
                } catch (JedisNoScriptException e) {
                    reply = single.eval(source, keys, args);
                }
                confirm(single.waitReplicas(replicas, timeoutMs), replicas, timeoutMs);
                return reply;
            }
        }
        Object reply;
        long confirmed;
        try (Pipeline pipeline = (Pipeline) jedis.pipelined()) {
            Response<Object> scripted = pipeline.evalsha(sha, keys, args);
            Response<Long> waited = pipeline.waitReplicas(replicas, timeoutMs);
            pipeline.sync();
            try {
                reply = scripted.get();
            } catch (JedisNoScriptException e) {
                return runWithSourceAndWait(jedis, keys, args, replicas, timeoutMs);
            }
            confirmed = waited.get();
        }
        confirm(confirmed, replicas, timeoutMs);
        return reply;
    }

    private Object runWithSourceAndWait(UnifiedJedis jedis, List<String> keys, List<String> args, int replicas,
                                        long timeoutMs) {
        try (Pipeline pipeline = (Pipeline) jedis.pipelined()) {
            Response<Object> scripted = pipeline.eval(source, keys, args);
            Response<Long> waited = pipeline.waitReplicas(replicas, timeoutMs);
            pipeline.sync();
            Object reply = scripted.get();
            confirm(waited.get(), replicas, timeoutMs);
            return reply;
        }
    }

    private static void confirm(long confirmed, int replicas, long timeoutMs) {
        if (confirmed < replicas) {
            throw new NotReplicatedException("stored on the master but confirmed by " + confirmed + " of " + replicas
                    + " replicas within " + timeoutMs + " ms");
        }
    }

    /** The write reached the master, but not the replicas a durable acknowledgement needs. */
    public static final class NotReplicatedException extends RuntimeException {
        NotReplicatedException(String message) {
            super(message, null, false, false);
        }
    }

    private static String sha1(String text) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-1").digest(text.getBytes(StandardCharsets.UTF_8));
            return HexFormat.of().formatHex(digest);
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
    }
}
