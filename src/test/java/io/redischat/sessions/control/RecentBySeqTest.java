package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.NoSuchElementException;
import java.util.Random;
import java.util.TreeMap;

import org.junit.jupiter.api.Test;

class RecentBySeqTest {

    @Test
    void answersAsAnOrderedMapDoesUnderMostlyAppendedSeqsWithHolesPagesAndEvictions() {
        for (long seed = 1; seed <= 20; seed++) {
            var random = new Random(seed);
            var recent = new RecentBySeq<String>();
            var expected = new TreeMap<Long, String>();
            long next = 1;
            for (int step = 0; step < 20_000; step++) {
                int action = random.nextInt(100);
                if (action < 55) {
                    // the next message, sometimes after a hole
                    next += random.nextInt(10) == 0 ? 1 + random.nextInt(5) : 1;
                    recent.put(next, "v" + next);
                    expected.put(next, "v" + next);
                } else if (action < 62) {
                    // a page of history below or among what is held, or a repeat
                    long seq = Math.max(1, next - random.nextInt(600));
                    for (int i = 0; i < 1 + random.nextInt(40); i++, seq++) {
                        recent.put(seq, "p" + seq);
                        expected.put(seq, "p" + seq);
                    }
                    next = Math.max(next, seq);
                } else if (action < 85) {
                    if (!expected.isEmpty()) {
                        assertEquals(expected.pollFirstEntry().getValue(), recent.pollFirst());
                    }
                } else if (action < 86) {
                    recent.clear();
                    expected.clear();
                } else {
                    long probe = next - random.nextInt(700) + 5;
                    assertEquals(expected.get(probe), recent.get(probe), "get " + probe);
                    assertEquals(expected.containsKey(probe), recent.containsKey(probe));
                    assertEquals(expected.higherKey(probe), recent.higherKey(probe), "higherKey " + probe);
                    var higher = expected.higherEntry(probe);
                    assertEquals(higher, recent.higherEntry(probe));
                }
                assertEquals(expected.size(), recent.size());
                assertEquals(expected.isEmpty(), recent.isEmpty());
                if (!expected.isEmpty()) {
                    assertEquals(expected.firstKey(), recent.firstKey());
                    assertEquals(expected.lastKey(), recent.lastKey());
                }
                while (expected.size() > 300) {
                    assertEquals(expected.pollFirstEntry().getValue(), recent.pollFirst());
                }
            }
        }
    }

    @Test
    void anEmptyOneHasNoEnds() {
        var recent = new RecentBySeq<String>();
        assertThrows(NoSuchElementException.class, recent::firstKey);
        assertThrows(NoSuchElementException.class, recent::lastKey);
        assertThrows(NoSuchElementException.class, recent::pollFirst);
        assertNull(recent.higherEntry(0));
    }
}
