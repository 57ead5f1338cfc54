package io.redischat.redis.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

class DeliveredHereTest {

    @Test
    void findsEpochAndReplySeqWhereverCjsonPutsThem() {
        assertEquals(new DeliveredHere.Noted("ab12cd34", 42),
                DeliveredHere.scan("{\"c\":\"\\\"r\\\":7 \\\"e\\\":\\\"x\",\"r\":42,\"e\":\"ab12cd34\",\"v\":1}"));
        assertEquals(new DeliveredHere.Noted("e1", 9), DeliveredHere.scan("{\"e\":\"e1\",\"n\":4,\"r\":9}"));
    }

    @Test
    void leavesAnythingUnusualToTheParser() {
        assertNull(DeliveredHere.scan("{\"v\":1}"));
        assertNull(DeliveredHere.scan("{\"e\":\"a\\\"b\",\"r\":9}"));
        assertNull(DeliveredHere.scan("{\"e\":\"e1\",\"r\":1e+15}"));
        assertNull(DeliveredHere.scan("{\"e\":\"e1\",\"r\":\"9\"}"));
    }

    @Test
    void aNotedExchangeIsTakenOnceAndTheOldestAreForgotten() {
        var delivered = new DeliveredHere();
        delivered.note("s", "e1", 2);
        assertFalse(delivered.take("s", "e1", 4));
        assertFalse(delivered.take("other", "e1", 2));
        assertTrue(delivered.take("s", "e1", 2));
        assertFalse(delivered.take("s", "e1", 2));
        for (int seq = 0; seq <= DeliveredHere.REMEMBERED; seq++) {
            delivered.note("s", "e2", seq);
        }
        assertFalse(delivered.take("s", "e2", 0));
        assertTrue(delivered.take("s", "e2", DeliveredHere.REMEMBERED));
    }
}
