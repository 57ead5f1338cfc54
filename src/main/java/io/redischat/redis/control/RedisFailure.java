package io.redischat.redis.control;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/** Turns a Redis client failure into a short reason for people, without credentials or stack traces. */
public final class RedisFailure {

    private RedisFailure() {
    }

    public static String describe(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof java.util.concurrent.CompletionException
                || root instanceof java.util.concurrent.ExecutionException)) {
            root = root.getCause();
        }
        if (root instanceof RedisUnavailableException known) {
            return known.getMessage();
        }
        if (root instanceof LuaScript.NotReplicatedException) {
            return root.getMessage();
        }
        if (root instanceof RejectedExecutionException) {
            return "too many requests waiting for Redis";
        }
        if (root instanceof TimeoutException || hasCause(root, SocketTimeoutException.class)) {
            return "Redis did not answer in time";
        }
        if (hasCause(root, ConnectException.class)) {
            return "connection refused";
        }
        if (hasCause(root, JedisAccessControlException.class)) {
            return "authentication failed (check the user and password in CHANNEL_REDIS_URL)";
        }
        if (root instanceof JedisConnectionException) {
            return "connection failed";
        }
        if (root instanceof JedisDataException data) {
            String text = data.getMessage() == null ? "" : data.getMessage();
            return "Redis error: " + text.split("\n", 2)[0];
        }
        return root.getClass().getSimpleName();
    }

    /** A short label of the failure for metrics: timeout, connection, auth, overload, not_replicated, redis_error. */
    public static String kind(Throwable failure) {
        Throwable root = failure;
        while (root.getCause() != null && root.getCause() != root
                && (root instanceof java.util.concurrent.CompletionException
                || root instanceof java.util.concurrent.ExecutionException
                || root instanceof RedisUnavailableException)) {
            root = root.getCause();
        }
        if (root instanceof LuaScript.NotReplicatedException) {
            return "not_replicated";
        }
        if (root instanceof RejectedExecutionException) {
            return "overload";
        }
        if (root instanceof TimeoutException || hasCause(root, SocketTimeoutException.class)) {
            return "timeout";
        }
        if (hasCause(root, JedisAccessControlException.class)) {
            return "auth";
        }
        if (root instanceof JedisConnectionException || hasCause(root, ConnectException.class)) {
            return "connection";
        }
        if (root instanceof JedisDataException) {
            return "redis_error";
        }
        return "other";
    }

    private static boolean hasCause(Throwable failure, Class<? extends Throwable> type) {
        for (Throwable t = failure; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return true;
            }
        }
        return false;
    }
}
