package io.redischat.reliability;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.List;

import jakarta.json.JsonObject;

import org.junit.jupiter.api.Test;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.ReliabilityInstance;
import io.redischat.testsupport.ServiceClient;

/** The application stopped the way an orchestrator does it, and started again, while a client is mid-session. */
class ApplicationRestartIT {

    final ReliabilityInstance instance = ReliabilityInstance.get();

    @Test
    void anApplicationRestartedMidSessionKeepsTheHistoryAndClientsResume() {
        String session = "restart-" + System.nanoTime();
        String epoch;
        long since;
        try (ChatSocket client = instance.service().persistentSocket(session)) {
            client.sendUntilStored("ready");
            for (int i = 0; i < 3; i++) {
                client.send("before restart " + i);
            }
            List<JsonObject> frames = client.nextJson(6);
            frames.forEach(frame -> assertTrue(frame.getBoolean("persisted"), frame.toString()));
            epoch = frames.get(5).getString("epoch");
            since = frames.get(5).getJsonNumber("seq").longValue();
            instance.app().stop();
            assertTrue(client.awaitClose(Duration.ofSeconds(30)) != null);
        }
        ServiceClient service = ReliabilityInstance.get().service(); // starts the application again
        try (ChatSocket resumed = service.socket(session, "redis_persistence=true&since=" + since + "&epoch=" + epoch)) {
            assertTrue(resumed.connectedFrame().getBoolean("recovered"));
            assertEquals(0, resumed.connectedFrame().getInt("replayed"));
            resumed.send("after restart");
            assertTrue(resumed.nextJson(2).get(1).getString("content").endsWith(": after restart"));
        }
        assertEquals(since + 2, service.get("api/sessions/" + session + "/messages/").json().getInt("count"));
    }
}
