package io.redischat.sessions.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

/** Turns frame records into JSON text with the one shared JSON-B instance. */
@ApplicationScoped
public class OutboundFrames {

    private final Jsonb jsonb = JsonbBuilder.create();

    public String toJson(Record frame) {
        return jsonb.toJson(frame);
    }

    @PreDestroy
    void close() {
        try {
            jsonb.close();
        } catch (Exception ignored) {
            // nothing to release that matters at shutdown
        }
    }
}
