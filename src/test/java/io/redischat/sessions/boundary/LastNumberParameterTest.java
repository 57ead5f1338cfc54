package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

class LastNumberParameterTest {

    @Test
    void nIsTheLastMessageNumberTheClientSaw() {
        assertEquals(0, ChatEndpoint.lastNumber(null));
        assertEquals(0, ChatEndpoint.lastNumber(""));
        assertEquals(0, ChatEndpoint.lastNumber("0"));
        assertEquals(41, ChatEndpoint.lastNumber("41"));
        assertEquals(9007199254740991L, ChatEndpoint.lastNumber("9007199254740991"));
    }

    @Test
    void anythingElseIsRefusedWithTheRule() {
        for (String bad : new String[] {"-1", "9007199254740992", "1.5", "1e3", " 7", "seven", "0x10",
                "99999999999999999999"}) {
            var refused = assertThrows(IllegalArgumentException.class, () -> ChatEndpoint.lastNumber(bad), bad);
            assertEquals("n must be the last Message #N seen: a whole number from 0 to 9007199254740991",
                    refused.getMessage());
        }
    }
}
