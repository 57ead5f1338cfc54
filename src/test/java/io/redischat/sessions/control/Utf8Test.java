package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import java.nio.charset.StandardCharsets;
import java.util.List;

import org.junit.jupiter.api.Test;

class Utf8Test {

    @Test
    void countsWhatTheEncoderWrites() {
        for (String text : List.of("", "plain ascii", "caf\u00e9", "\u20ac 5", "\ud83d\ude00 smile", "\u0000\u007f\u0080",
                "\u07ff\u0800\uffff", "mixed \u00e9\u20ac\ud83d\ude00 end", "x".repeat(10_000) + "\u00e9")) {
            assertEquals(text.getBytes(StandardCharsets.UTF_8).length, Utf8.length(text), text);
        }
    }

    @Test
    void anUnpairedSurrogateCountsAsItsReplacementCharacter() {
        assertEquals(3, Utf8.length("\ud83d"));
        assertEquals(4, Utf8.length("\ude00a"));
    }
}
