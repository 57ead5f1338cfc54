package io.redischat.sessions.control;

import java.io.StringReader;
import java.util.regex.Pattern;

import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonParser;
import jakarta.json.stream.JsonParsingException;

import io.redischat.sessions.entity.ErrorCode;
import io.redischat.sessions.entity.InboundMessage;

/**
 * Reads a client's text frame: plain text is the message; a frame starting with '{' must be JSON
 * {@code {"content": "...", "clientId": "..."}}.
 */
public final class InboundFrames {

    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Pattern CLIENT_ID = Pattern.compile("[A-Za-z0-9._:|-]{1,64}");

    private InboundFrames() {
    }

    /** A frame that is not a message: why, and the clientId if one could be read. */
    public static final class Rejected extends Exception {
        private final ErrorCode code;

        Rejected(ErrorCode code, String message) {
            super(message, null, false, false);
            this.code = code;
        }

        public ErrorCode code() {
            return code;
        }
    }

    public static InboundMessage parse(String frame) throws Rejected {
        if (frame == null || frame.isEmpty()) {
            throw new Rejected(ErrorCode.EMPTY_MESSAGE, "message is empty");
        }
        if (frame.stripLeading().startsWith("{")) {
            return parseJson(frame);
        }
        return new InboundMessage(wellFormed(frame), null);
    }

    /**
     * Replaces unpaired surrogates (a JSON escape such as {@code \ud800} can produce them) by U+FFFD: such text
     * cannot be encoded as UTF-8, neither into a WebSocket frame nor into Redis.
     */
    static String wellFormed(String text) {
        StringBuilder fixed = null;
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            boolean paired = Character.isHighSurrogate(c) && i + 1 < text.length()
                    && Character.isLowSurrogate(text.charAt(i + 1));
            if (paired) {
                if (fixed != null) {
                    fixed.append(c).append(text.charAt(i + 1));
                }
                i++;
            } else if (Character.isSurrogate(c)) {
                if (fixed == null) {
                    fixed = new StringBuilder(text.length()).append(text, 0, i);
                }
                fixed.append('\uFFFD');
            } else if (fixed != null) {
                fixed.append(c);
            }
        }
        return fixed == null ? text : fixed.toString();
    }

    /**
     * The token of an authentication frame {@code {"type":"auth","token":"..."}}; null when the frame is not one.
     *
     * @throws Rejected when it is one, but without a string token
     */
    public static String authToken(String frame) throws Rejected {
        // on every message: only a JSON object with a "type" key is parsed here (messages carry none)
        if (frame == null || !frame.stripLeading().startsWith("{") || !frame.contains("\"type\"")) {
            return null;
        }
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(frame))) {
            json = reader.readObject();
        } catch (RuntimeException e) {
            return null;
        }
        if (!(json.get("type") instanceof JsonString type) || !type.getString().equals("auth")) {
            return null;
        }
        if (!(json.get("token") instanceof JsonString token) || token.getString().isBlank()) {
            throw new Rejected(ErrorCode.INVALID_MESSAGE, "an auth frame needs a string \"token\"");
        }
        return token.getString();
    }

    /**
     * The valid {@code clientId} of a JSON message frame, read without building it: for a frame refused before it is
     * parsed (over the rate limit), so the refusal can name the message. Reads only up to the top level's
     * {@code clientId} (the UI sends it first), never more than the frame; null for plain text, no or an invalid
     * clientId, or JSON that breaks before it.
     */
    public static String clientIdOf(String frame) {
        if (frame == null || !frame.stripLeading().startsWith("{") || !frame.contains("\"clientId\"")) {
            return null;
        }
        try (JsonParser parser = JSON.createParser(new StringReader(frame))) {
            int depth = 0;
            while (parser.hasNext()) {
                JsonParser.Event event = parser.next();
                switch (event) {
                    case START_OBJECT, START_ARRAY -> depth++;
                    case END_OBJECT, END_ARRAY -> depth--;
                    case KEY_NAME -> {
                        if (depth == 1 && parser.getString().equals("clientId")) {
                            if (parser.next() != JsonParser.Event.VALUE_STRING) {
                                return null;
                            }
                            String id = parser.getString();
                            return CLIENT_ID.matcher(id).matches() ? id : null;
                        }
                    }
                    default -> {
                    }
                }
            }
        } catch (RuntimeException e) {
            return null;
        }
        return null;
    }

    private static InboundMessage parseJson(String frame) throws Rejected {
        JsonObject json;
        try (var reader = JSON.createReader(new StringReader(frame))) {
            json = reader.readObject();
        } catch (JsonParsingException e) {
            throw new Rejected(ErrorCode.MALFORMED_JSON, "malformed JSON: " + firstLine(e.getMessage()));
        } catch (RuntimeException e) {
            // JsonException, or the parser's own limits (nesting depth) as a plain RuntimeException
            throw new Rejected(ErrorCode.MALFORMED_JSON, "malformed JSON frame");
        }
        JsonValue content = json.get("content");
        if (!(content instanceof JsonString text)) {
            throw new Rejected(ErrorCode.INVALID_MESSAGE, "a JSON frame needs a string \"content\"");
        }
        String clientId = null;
        JsonValue id = json.get("clientId");
        if (id != null && id != JsonValue.NULL) {
            if (!(id instanceof JsonString idText) || !CLIENT_ID.matcher(idText.getString()).matches()) {
                throw new Rejected(ErrorCode.INVALID_MESSAGE,
                        "\"clientId\" must be a string of 1 to 64 letters, digits or . _ : | -");
            }
            clientId = idText.getString();
        }
        if (text.getString().isEmpty()) {
            throw new Rejected(ErrorCode.EMPTY_MESSAGE, "message is empty");
        }
        return new InboundMessage(wellFormed(text.getString()), clientId);
    }

    private static String firstLine(String text) {
        if (text == null) {
            return "unexpected input";
        }
        String line = text.split("\n", 2)[0];
        return line.length() > 200 ? line.substring(0, 200) : line;
    }
}
