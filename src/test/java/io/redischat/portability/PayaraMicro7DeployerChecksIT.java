package io.redischat.portability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.redischat.testsupport.DeployedServer;
import io.redischat.testsupport.PayaraMicro7Process;
import io.redischat.testsupport.RedisServerProcess;

/**
 * The deployer's checks on Payara Micro 7 (Jakarta EE 11) on Java 21+, with the boot options of {@code server-config/}
 * and the settings as environment variables. Health and metrics on the HTTP port, under the names of Payara Micro 6.
 */
class PayaraMicro7DeployerChecksIT extends DeployerChecks {

    @Override
    DeployedServer start(RedisServerProcess redis) {
        return PayaraMicro7Process.start(Map.of("CHANNEL_REDIS_URL", redis.url(),
                "REDIS_SESSION_TTL", Integer.toString(TTL_SECONDS), "CHAT_ADMIN_TOKEN", ADMIN_TOKEN));
    }

    @Override
    void checkMetrics(String prometheusText) {
        for (String expected : List.of("chat_messages_received_total", "chat_messages_persisted_total",
                "chat_connections_open", "chat_redis_command_microseconds_bucket{command=\"append\"")) {
            assertTrue(prometheusText.contains(expected), expected + " in\n" + prometheusText);
        }
    }
}
