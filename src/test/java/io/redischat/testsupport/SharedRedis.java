package io.redischat.testsupport;

/**
 * The Redis the deployed application is configured for in the integration tests: on the port the build reserved
 * ({@code it.redis.port}, also in the server's {@code CHANNEL_REDIS_URL}), started on first use, stopped with the JVM.
 */
public final class SharedRedis {

    private static RedisServerProcess redis;

    private SharedRedis() {
    }

    public static synchronized RedisServerProcess get() {
        if (redis == null) {
            int port = Integer.parseInt(System.getProperty("it.redis.port", "0"));
            redis = port == 0 ? RedisServerProcess.start() : RedisServerProcess.startOn(port);
            Runtime.getRuntime().addShutdownHook(new Thread(redis::close, "stop-shared-redis"));
        }
        if (!redis.isRunning()) {
            redis.launch();
        }
        return redis;
    }
}
