package io.redischat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ReliabilityInstance;

/** Health checks that follow Redis, and metrics that count what happened on the instance. */
class HealthAndMetricsIT {

    final ReliabilityInstance instance = ReliabilityInstance.get();
    final RedisServerProcess redis = instance.redis();

    /**
     * Makes happen what the metrics are checked for, whichever classes ran on the instance before (and an application
     * restart starts the counts over): a burst over the rate limit, and a message sent while Redis is away.
     */
    @BeforeEach
    void somethingToCount() {
        try (ChatSocket client = instance.service().socket("metrics-" + System.nanoTime(), null)) {
            for (int i = 0; i < 150; i++) {
                client.send("burst " + i);
            }
            while (client.nextFrame(Duration.ofSeconds(2)) != null) {
                // read the answers; some are rate_limited errors
            }
        }
        try (ChatSocket client = instance.service().persistentSocket("metrics-" + System.nanoTime())) {
            redis.kill();
            client.sendOnce("while Redis is away");
        } finally {
            redis.launch();
        }
        instance.awaitStatus("/health/ready", 200);
    }

    @Test
    void healthFollowsRedisAndMetricsCountWhatHappened() throws Exception {
        assertEquals(200, instance.httpStatus("/health/ready"));
        assertEquals(200, instance.httpStatus("/health/live"));
        String metrics = instance.fetch("/metrics?scope=application").body();
        for (String expected : List.of("chat_messages_received_total", "chat_messages_persisted_total",
                "chat_messages_failed_total", "chat_connections_open", "chat_pubsub_reconnects",
                "chat_redis_errors_total{kind=\"connection\"", "chat_rejected_inputs_total{",
                "reason=\"rate_limited\"", "chat_redis_command_microseconds_bucket{command=\"append\"",
                "chat_history_fetch_microseconds_count")) {
            assertTrue(metrics.contains(expected), expected + " in\n" + metrics);
        }
        redis.kill();
        instance.awaitStatus("/health/ready", 503);
        redis.launch();
        instance.awaitStatus("/health/ready", 200);
        assertEquals(200, instance.httpStatus("/health/live"), "Redis being away never made the instance dead");
    }
}
