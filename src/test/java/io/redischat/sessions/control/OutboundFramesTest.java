package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.io.StringReader;
import java.util.Random;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.Test;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.MessageFrame;

class OutboundFramesTest {

    private static final Jsonb JSONB = JsonbBuilder.create();

    private static JsonObject parse(String json) {
        try (var reader = Json.createReader(new StringReader(json))) {
            return reader.readObject();
        }
    }

    /** Text with what JSON must escape and what it must not touch: quotes, controls, emoji, other scripts. */
    private static String randomText(Random random) {
        String alphabet = "ab \"\\/\n\r\t\b\f\u0000\u0001\u001f\u007f é漢字\u2028\u2029";
        var text = new StringBuilder();
        int length = random.nextInt(40);
        for (int i = 0; i < length; i++) {
            if (random.nextInt(10) == 0) {
                text.appendCodePoint(0x1F600 + random.nextInt(50));
            } else {
                text.append(alphabet.charAt(random.nextInt(alphabet.length())));
            }
        }
        return text.toString();
    }

    @Test
    void messageFramesWrittenByHandAreWhatJsonBWritesFieldForField() {
        var random = new Random(42);
        for (int i = 0; i < 2000; i++) {
            String content = randomText(random);
            var message = new ChatMessage(content, random.nextLong(), random.nextBoolean(), "s-" + i,
                    random.nextBoolean() ? null : (long) random.nextInt(1_000_000),
                    random.nextBoolean() ? null : randomText(random));
            MessageFrame frame = random.nextBoolean()
                    ? MessageFrame.stored(message, "e" + i, random.nextBoolean() ? null : "c-" + i, random.nextBoolean())
                    : MessageFrame.unstored(message, random.nextBoolean() ? null : "c-" + i);
            String byHand = OutboundFrames.message(frame);
            String byJsonB = JSONB.toJson(frame);
            assertEquals(parse(byJsonB), parse(byHand), byHand);
            assertEquals(parse(byJsonB).keySet().stream().toList(), parse(byHand).keySet().stream().toList(),
                    "the same fields in the same order");
            assertEquals(content, parse(byHand).getString("content"));
        }
    }
}
