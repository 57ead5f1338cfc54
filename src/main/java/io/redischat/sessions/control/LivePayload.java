package io.redischat.sessions.control;

import java.io.StringReader;

import jakarta.json.Json;
import jakarta.json.JsonObject;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.StoredExchange;

/** Reads what append.lua publishes on a session's channel: {@code {e, n, t, u, r, c, i}}. */
final class LivePayload {

    private LivePayload() {
    }

    /** The same payload append.lua publishes, for when the store publishes after replicas confirmed a write. */
    static String toJson(StoredExchange exchange) {
        return Json.createObjectBuilder()
                .add("e", exchange.epoch())
                .add("n", exchange.number())
                .add("t", Long.toString(exchange.sent().timestamp()))
                .add("u", exchange.sent().seq())
                .add("r", exchange.reply().seq())
                .add("c", exchange.sent().content())
                .add("i", exchange.clientId() == null ? "" : exchange.clientId())
                .build()
                .toString();
    }

    static StoredExchange parse(String sessionId, String payload) {
        JsonObject json;
        try (var reader = Json.createReader(new StringReader(payload))) {
            json = reader.readObject();
        }
        long number = json.getJsonNumber("n").longValue();
        long timestamp = Long.parseLong(json.getString("t"));
        String content = json.getString("c");
        String clientId = json.getString("i", "");
        var sent = new ChatMessage(content, timestamp, true, sessionId, json.getJsonNumber("u").longValue());
        var reply = new ChatMessage(ReplyText.of(number, content), timestamp, false, sessionId,
                json.getJsonNumber("r").longValue());
        return new StoredExchange(json.getString("e"), number, sent, reply, clientId.isEmpty() ? null : clientId,
                false);
    }
}
