package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.net.URL;
import java.util.List;
import java.util.Map;

import jakarta.json.JsonObject;

import org.jboss.arquillian.container.test.api.Deployment;
import org.jboss.arquillian.container.test.api.RunAsClient;
import org.jboss.arquillian.junit5.ArquillianExtension;
import org.jboss.arquillian.test.api.ArquillianResource;
import org.jboss.shrinkwrap.api.spec.WebArchive;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.Deployments;
import io.redischat.testsupport.ServiceClient;
import io.redischat.testsupport.SharedRedis;

/** Session history expires after REDIS_SESSION_TTL without writes; here the TTL is 2 s so the test waits seconds. */
@ExtendWith(ArquillianExtension.class)
@RunAsClient
class SessionExpiryIT {

    static final int TTL_SECONDS = 2;

    @Deployment(testable = false)
    static WebArchive deployment() {
        return Deployments.chatWarWith(Map.of("redis.session.ttl", Integer.toString(TTL_SECONDS)));
    }

    @ArquillianResource
    URL deploymentUrl;

    @Test
    void historyExpiresSaysSoAndTheCounterStartsOver() throws Exception {
        SharedRedis.get();
        var service = ServiceClient.at(deploymentUrl);
        String session = "expiring-" + System.nanoTime();
        assertEquals(TTL_SECONDS, service.get("api/redis/status/").json().getInt("default_ttl"));

        String firstEpoch;
        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("short-lived");
            firstEpoch = socket.nextJson(2).get(0).getString("epoch");
            // each write slides the TTL: after 3 writes over ~3 s the history is still there (the sleeps let time
            // pass between the writes; there is nothing to poll for)
            for (int i = 0; i < 3; i++) {
                Thread.sleep(1000);
                socket.send("keep alive " + i);
                socket.nextJson(2);
            }
        }
        JsonObject alive = service.get("api/sessions/" + session + "/messages/").json();
        assertEquals(8, alive.getInt("count"));
        assertTrue(alive.getInt("ttl_remaining") <= TTL_SECONDS, alive.toString());

        // waits out the TTL on purpose: that the history is gone once it passed is what this test checks
        Thread.sleep(TTL_SECONDS * 1000L + 1200);
        JsonObject expired = service.get("api/sessions/" + session + "/messages/").json();
        assertTrue(expired.getBoolean("success"));
        assertEquals(0, expired.getInt("count"));
        assertEquals("expired", expired.getString("empty_reason"));

        try (ChatSocket socket = service.persistentSocket(session)) {
            socket.send("again");
            List<JsonObject> frames = socket.nextJson(2);
            assertEquals("Message #1: again", frames.get(1).getString("content"));
            assertNotEquals(firstEpoch, frames.get(1).getString("epoch"));
        }
    }
}
