package io.redischat.redis.control;

import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.util.Locale;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeoutException;

import redis.clients.jedis.exceptions.JedisAccessControlException;
import redis.clients.jedis.exceptions.JedisConnectionException;
import redis.clients.jedis.exceptions.JedisDataException;

/**
 * Classifies a Redis client failure once, for people (a short reason without credentials or stack traces) and for
 * metrics (a label).
 */
public final class RedisFailure {

    /** What went wrong; {@link #label()} is the metrics tag. */
    public enum Kind {
        NOT_REPLICATED, OVERLOAD, TIMEOUT, AUTH, CONNECTION, REDIS_ERROR, OTHER;

        public String label() {
            return name().toLowerCase(Locale.ROOT);
        }
    }

    private RedisFailure() {
    }

    public static String describe(Throwable failure) {
        Throwable root = unwrapped(failure);
        if (root instanceof RedisUnavailableException known) {
            return known.getMessage();
        }
        return switch (classify(root)) {
            case NOT_REPLICATED -> root.getMessage();
            case OVERLOAD -> "too many requests waiting for Redis";
            case TIMEOUT -> "Redis did not answer in time";
            case AUTH -> "authentication failed (check the user and password in CHANNEL_REDIS_URL)";
            case CONNECTION -> hasCause(root, ConnectException.class) ? "connection refused" : "connection failed";
            case REDIS_ERROR -> "Redis error: " + (root.getMessage() == null ? "" : root.getMessage().split("\n", 2)[0]);
            case OTHER -> root.getClass().getSimpleName();
        };
    }

    /** A short label of the failure for metrics: timeout, connection, auth, overload, not_replicated, redis_error. */
    public static String kind(Throwable failure) {
        return kindOf(failure).label();
    }

    /**
     * The connection broke (refused, reset, broken pipe): unlike a timeout, Redis did not stall, so the same command
     * on a fresh connection is worth one more try.
     */
    public static boolean isDeadConnection(Throwable failure) {
        return kindOf(failure) == Kind.CONNECTION;
    }

    static Kind kindOf(Throwable failure) {
        Throwable root = unwrapped(failure);
        while (root instanceof RedisUnavailableException && root.getCause() != null) {
            root = unwrapped(root.getCause());
        }
        return classify(root);
    }

    private static Kind classify(Throwable root) {
        if (root instanceof LuaScript.NotReplicatedException) {
            return Kind.NOT_REPLICATED;
        }
        if (root instanceof RejectedExecutionException) {
            return Kind.OVERLOAD;
        }
        if (root instanceof TimeoutException || hasCause(root, SocketTimeoutException.class)) {
            return Kind.TIMEOUT;
        }
        if (hasCause(root, JedisAccessControlException.class)) {
            return Kind.AUTH;
        }
        if (root instanceof JedisConnectionException || hasCause(root, ConnectException.class)) {
            return Kind.CONNECTION;
        }
        if (root instanceof JedisDataException) {
            return Kind.REDIS_ERROR;
        }
        return Kind.OTHER;
    }

    /** The failure inside the wrappers asynchronous execution adds. */
    private static Throwable unwrapped(Throwable failure) {
        Throwable root = failure;
        while ((root instanceof CompletionException || root instanceof ExecutionException)
                && root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
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
