package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.ArrayList;
import java.util.Random;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.Test;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.EmptyReason;
import io.redischat.sessions.entity.MessagesResponse;

class MessagesResponseWriterTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    private static String text(Random random) {
        String alphabet = "ab \"\\/\n\r\t\u0000\u001f\u007f é漢\u2028";
        var text = new StringBuilder();
        for (int i = random.nextInt(30); i > 0; i--) {
            if (random.nextInt(12) == 0) {
                text.appendCodePoint(0x1F600 + random.nextInt(40));
            } else {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return text.toString();
    }

    private static Long maybe(Random random) {
        return random.nextBoolean() ? null : (long) random.nextInt(1_000_000);
    }

    @Test
    void writesWhatJsonBWritesFieldForFieldInItsOrder() {
        var random = new Random(7);
        for (int i = 0; i < 1000; i++) {
            var messages = new ArrayList<ChatMessage>();
            for (int m = random.nextInt(5); m > 0; m--) {
                messages.add(new ChatMessage(text(random), random.nextLong(), random.nextBoolean(), "s-" + i,
                        maybe(random), random.nextBoolean() ? null : text(random)));
            }
            EmptyReason[] reasons = EmptyReason.values();
            var response = new MessagesResponse(true, "s-" + i, messages, messages.size(), random.nextBoolean(),
                    maybe(random), maybe(random), random.nextBoolean() ? null : "e" + i, maybe(random), maybe(random),
                    random.nextBoolean() ? null : reasons[random.nextInt(reasons.length)]);
            String byHand = MessagesResponseWriter.toJson(response);
            String byJsonB = JSONB.toJson(response);
            assertEquals(parse(byJsonB), parse(byHand), byHand);
            assertEquals(parse(byJsonB).keySet().stream().toList(), parse(byHand).keySet().stream().toList());
            for (int m = 0; m < messages.size(); m++) {
                assertEquals(parse(byJsonB).getJsonArray("messages").getJsonObject(m).keySet().stream().toList(),
                        parse(byHand).getJsonArray("messages").getJsonObject(m).keySet().stream().toList());
            }
        }
    }
}
