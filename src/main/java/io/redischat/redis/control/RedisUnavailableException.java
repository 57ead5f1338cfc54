package io.redischat.redis.control;

import io.redischat.sessions.control.HistoryUnavailableException;

/**
 * Redis could not do what was asked (refused, timed out, failed over, or answered an error). The message says why
 * in words fit for an API response: it never carries credentials.
 */
public class RedisUnavailableException extends HistoryUnavailableException {

    public RedisUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }

    public static RedisUnavailableException from(Throwable cause) {
        if (cause instanceof RedisUnavailableException known) {
            return known;
        }
        return new RedisUnavailableException("Redis unavailable: " + RedisFailure.describe(cause), cause);
    }
}
