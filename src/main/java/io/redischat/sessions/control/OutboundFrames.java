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

    private static final char[] HEX = "0123456789abcdef".toCharArray();

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

    /** A JSON string: quotes, backslashes and control characters escaped (RFC 8259), everything else as it is. */
    static void string(StringBuilder json, String text) {
        json.append('"');
        int plainFrom = 0;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c >= 0x20 && c != '"' && c != '\\') {
                continue;
            }
            json.append(text, plainFrom, i);
            switch (c) {
                case '"' -> json.append("\\\"");
                case '\\' -> json.append("\\\\");
                case '\n' -> json.append("\\n");
                case '\r' -> json.append("\\r");
                case '\t' -> json.append("\\t");
                case '\b' -> json.append("\\b");
                case '\f' -> json.append("\\f");
                default -> json.append("\\u00").append(HEX[c >> 4]).append(HEX[c & 0xF]);
            }
            plainFrom = i + 1;
        }
        json.append(text, plainFrom, text.length()).append('"');
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
