package io.redischat.redis.control;

import io.redischat.testsupport.ConfigDefaults;

/** Builds {@link RedisConnection}s outside CDI, configured with the declared defaults. */
public final class RedisConnections {

    private RedisConnections() {
    }

    public static RedisConnection to(String url) {
        var connection = new RedisConnection();
        connection.url = url;
        connection.settings = ConfigDefaults.of(RedisSettings.class);
        connection.storeSettings = ConfigDefaults.of(StoreSettings.class);
        return connection;
    }
}
