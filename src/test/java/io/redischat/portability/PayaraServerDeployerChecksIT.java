package io.redischat.portability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.redischat.testsupport.DeployedServer;
import io.redischat.testsupport.PayaraServerProcess;
import io.redischat.testsupport.RedisServerProcess;

/**
 * The deployer's checks on Payara Server 6, the full server: a domain of its own, configured and deployed by
 * {@code server-config/payara-server.asadmin}. Health and metrics on the HTTP port, as on Payara Micro.
 */
class PayaraServerDeployerChecksIT extends DeployerChecks {

    @Override
    DeployedServer start(RedisServerProcess redis) {
        return PayaraServerProcess.start(Map.of("chat.redis.url", redis.url(),
                "chat.session.ttl", Integer.toString(TTL_SECONDS)), Map.of("CHAT_ADMIN_TOKEN", ADMIN_TOKEN));
    }

    @Override
    void checkMetrics(String prometheusText) {
        for (String expected : List.of("chat_messages_received_total", "chat_messages_persisted_total",
                "chat_connections_open", "chat_redis_command_microseconds_bucket{command=\"append\"")) {
            assertTrue(prometheusText.contains(expected), expected + " in\n" + prometheusText);
        }
    }
}
