package io.redischat.sessions.control;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import io.redischat.sessions.entity.MessageFrame;

/**
 * Turns frame records into JSON text: message frames, one or two per message and member, by hand (profiled under
 * load, JSON-B made a sixth of all CPU samples there, hashing each frame record whole for its cycle check); the
 * rare others with the one shared JSON-B instance. Both give the same JSON: the field order of
 * {@code @JsonbPropertyOrder}, no null fields.
 */
@ApplicationScoped
public class OutboundFrames {

    private final Jsonb jsonb = JsonbBuilder.create();

    public String toJson(Record frame) {
        if (frame instanceof MessageFrame message) {
            return message(message);
        }
        return jsonb.toJson(frame);
    }

    static String message(MessageFrame frame) {
        var json = new StringBuilder(160 + frame.content().length());
        json.append("{\"type\":");
        string(json, frame.type());
        json.append(",\"content\":");
        string(json, frame.content());
        json.append(",\"timestamp\":").append(frame.timestamp());
        json.append(",\"isSent\":").append(frame.isSent());
        if (frame.sessionId() != null) {
            json.append(",\"sessionId\":");
            string(json, frame.sessionId());
        }
        if (frame.seq() != null) {
            json.append(",\"seq\":").append(frame.seq().longValue());
        }
        json.append(",\"persisted\":").append(frame.persisted());
        if (frame.epoch() != null) {
            json.append(",\"epoch\":");
            string(json, frame.epoch());
        }
        if (frame.clientId() != null) {
            json.append(",\"clientId\":");
            string(json, frame.clientId());
        }
        if (frame.from() != null) {
            json.append(",\"from\":");
            string(json, frame.from());
        }
        if (frame.duplicate() != null) {
            json.append(",\"duplicate\":").append(frame.duplicate().booleanValue());
        }
        return json.append('}').toString();
    }

    static void string(StringBuilder json, String text) {
        JsonStrings.append(json, text);
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
