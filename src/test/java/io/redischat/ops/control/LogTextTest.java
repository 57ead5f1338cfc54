package io.redischat.ops.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class LogTextTest {

    @Test
    void lineBreaksAndControlCharactersCannotForgeOrHideALogLine() {
        assertEquals("a\\r\\nINFO: forged", LogText.of("a\r\nINFO: forged"));
        assertEquals("\\u001b[2Jx\\u0000\\u0085\\u2028\\u202e", LogText.of("\u001b[2Jx\u0000\u0085\u2028\u202e"));
        assertEquals("back\\\\slash\\ttab", LogText.of("back\\slash\ttab"));
        assertEquals("session-1.a_b", LogText.of("session-1.a_b"));
        assertEquals("null", LogText.of(null));
    }

    @Test
    void longValuesAreCutAndSayHowLongTheyWere() {
        String logged = LogText.of("x".repeat(100_000));
        assertTrue(logged.length() < 130, logged);
        assertTrue(logged.endsWith("...(100000 chars)"), logged);
    }
}
