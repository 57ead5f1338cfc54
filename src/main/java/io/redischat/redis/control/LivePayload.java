package io.redischat.redis.control;

import java.io.StringReader;

import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ClientTag;
import io.redischat.sessions.entity.StoredExchange;

/**
 * Reads the payload append.lua makes for a stored exchange, which it publishes on the session's channel and
 * returns to the writer: {@code {"v":1, e, n, t, u, r, c, a, i, f, k}} ({@code k}, the author of the clientId
 * {@code i}, was added within version 1: a reader without it ignores it, and a payload without it gives the clientId
 * to no one). A payload of another version is refused, so a
 * reader never guesses; the history has the message.
 */
final class LivePayload {

    static final int VERSION = 1;
    private static final JsonProvider JSON = JsonProvider.provider();

    private LivePayload() {
    }

    /** A payload this version cannot read. */
    static final class UnknownVersionException extends IllegalArgumentException {
        UnknownVersionException(String message) {
            super(message);
        }
    }

    static StoredExchange parse(String sessionId, String payload, boolean duplicate) {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(payload))) {
            json = reader.readObject();
        }
        if (json.getInt("v", 0) != VERSION) {
            throw new UnknownVersionException("live payload version " + json.get("v") + ", expected " + VERSION);
        }
        long number = json.getJsonNumber("n").longValue();
        long timestamp = Long.parseLong(json.getString("t"));
        String clientId = json.getString("i", "");
        String author = json.getString("k", "");
        String from = json.getString("f", "");
        from = from.isEmpty() ? null : from;
        var sent = new ChatMessage(json.getString("c"), timestamp, true, sessionId,
                json.getJsonNumber("u").longValue(), from);
        var reply = new ChatMessage(json.getString("a"), timestamp, false, sessionId,
                json.getJsonNumber("r").longValue(), from);
        return new StoredExchange(json.getString("e"), number, sent, reply,
                clientId.isEmpty() ? null : new ClientTag(clientId, author.isEmpty() ? null : author), duplicate);
    }
}
