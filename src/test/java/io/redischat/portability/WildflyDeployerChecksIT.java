package io.redischat.portability;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.Map;

import io.redischat.testsupport.DeployedServer;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.WildflyProcess;

/**
 * The deployer's checks on WildFly 39, {@code standalone-microprofile.xml}, configured by
 * {@code server-config/wildfly.cli}. Health is WildFly's MicroProfile Health on the management interface. WildFly has
 * no MicroProfile Metrics for applications (only Micrometer), so redis-chat keeps no metrics there: the management
 * {@code /metrics} serves WildFly's own, and the application says in its log that it keeps none.
 */
class WildflyDeployerChecksIT extends DeployerChecks {

    @Override
    DeployedServer start(RedisServerProcess redis) {
        return WildflyProcess.start(Map.of("chat.redis.url", redis.url(), "chat.session.ttl",
                Integer.toString(TTL_SECONDS)), Map.of());
    }

    @Override
    void checkMetrics(String prometheusText) {
        assertTrue(prometheusText.contains("wildfly_"), prometheusText);
        assertFalse(prometheusText.contains("chat_messages_received"), prometheusText);
        assertTrue(server.log().contains("no MicroProfile Metrics on this server: redis-chat keeps no metrics"));
    }
}
