package io.redischat.redis.control;

/** Builds {@link RedisConnection}s outside CDI, configured as the defaults of microprofile-config.properties. */
public final class RedisConnections {

    private RedisConnections() {
    }

    public static RedisConnection to(String url) {
        var connection = new RedisConnection();
        connection.url = url;
        connection.connectTimeoutMs = 1000;
        connection.socketTimeoutMs = 1000;
        connection.poolMaxTotal = 8;
        connection.poolMaxIdle = 8;
        connection.poolMinIdle = 0;
        connection.poolMaxWaitMs = 500;
        connection.failFastMs = 500;
        connection.truststore = java.util.Optional.empty();
        connection.truststorePassword = java.util.Optional.empty();
        return connection;
    }
}
