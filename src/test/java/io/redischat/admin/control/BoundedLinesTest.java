package io.redischat.admin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;

import org.junit.jupiter.api.Test;

class BoundedLinesTest {

    @Test
    void readsLinesEndedByLfOrCrLfAndALastLineWithoutEnd() throws Exception {
        var lines = new BoundedLines(new StringReader("one\r\ntwo\n\nthree"), 10);
        assertEquals("one", lines.next());
        assertEquals("two", lines.next());
        assertEquals("", lines.next());
        assertEquals("three", lines.next());
        assertNull(lines.next());
    }

    @Test
    void aLineOfExactlyTheLimitIsReadAndOneMoreIsRefused() throws Exception {
        var lines = new BoundedLines(new StringReader("x".repeat(10) + "\r\n" + "y".repeat(11) + "\nz"), 10);
        assertEquals("x".repeat(10), lines.next());
        assertThrows(BoundedLines.TooLong.class, lines::next);
    }

    @Test
    void linesLongerThanTheBufferAreJoined() throws Exception {
        String long1 = "a".repeat(20_000);
        var lines = new BoundedLines(new StringReader(long1 + "\n" + "b"), 20_000);
        assertEquals(long1, lines.next());
        assertEquals("b", lines.next());
        assertNull(lines.next());
    }

    @Test
    void aHugeLineIsRefusedAfterReadingLittleMoreThanTheLimit() {
        var endless = new Reader() {
            long read;

            @Override
            public int read(char[] into, int offset, int length) {
                java.util.Arrays.fill(into, offset, offset + length, 'q');
                read += length;
                return length;
            }

            @Override
            public void close() {
            }
        };
        assertThrows(BoundedLines.TooLong.class, () -> new BoundedLines(endless, 100_000).next());
        assertEquals(true, endless.read < 100_000 + 2 * 8192, "read " + endless.read);
    }

    @Test
    void aLastLineOverTheLimitWithoutAnEndIsRefused() {
        assertThrows(BoundedLines.TooLong.class, () -> new BoundedLines(new StringReader("z".repeat(11)), 10).next());
    }

    @Test
    void anEmptyTextHasNoLines() throws IOException, BoundedLines.TooLong {
        assertNull(new BoundedLines(new StringReader(""), 10).next());
    }
}
