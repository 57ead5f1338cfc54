package io.redischat.portability;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.Map;

import io.redischat.testsupport.DeployedServer;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.WildflyProcess;

/**
 * The deployer's checks on WildFly 39, {@code standalone-microprofile.xml}, configured by
 * {@code server-config/wildfly.cli}. Health is WildFly's MicroProfile Health on the management interface; WildFly
 * has no MicroProfile Metrics for applications, so redis-chat records in the registry of WildFly's Micrometer
 * subsystem, exported on the management interface at {@code /prometheus} under the names it has on Payara.
 */
class WildflyDeployerChecksIT extends DeployerChecks {

    @Override
    DeployedServer start(RedisServerProcess redis) {
        return WildflyProcess.start(Map.of("chat.redis.url", redis.url(), "chat.session.ttl",
                Integer.toString(TTL_SECONDS)), Map.of("CHAT_ADMIN_TOKEN", ADMIN_TOKEN));
    }

    @Override
    void checkMetrics(String prometheusText) {
        for (String expected : List.of("chat_messages_received_total", "chat_messages_persisted_total",
                "chat_connections_open", "chat_redis_command_microseconds_count{", "command=\"append\"")) {
            assertTrue(prometheusText.contains(expected), expected + " in\n" + prometheusText);
        }
    }
}
