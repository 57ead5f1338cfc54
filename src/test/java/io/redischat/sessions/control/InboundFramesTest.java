package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;

import org.junit.jupiter.api.Test;

import io.redischat.sessions.entity.ErrorCode;
import io.redischat.sessions.entity.InboundMessage;

class InboundFramesTest {

    @Test
    void plainTextIsTheMessage() throws Exception {
        InboundMessage message = InboundFrames.parse("Hello Redis test!");
        assertEquals("Hello Redis test!", message.content());
        assertNull(message.clientId());
    }

    @Test
    void jsonCarriesContentAndClientId() throws Exception {
        InboundMessage message = InboundFrames.parse("{\"content\":\"hi\",\"clientId\":\"c-1\"}");
        assertEquals("hi", message.content());
        assertEquals("c-1", message.clientId());
    }

    @Test
    void rejectionsSayWhy() {
        assertEquals(ErrorCode.MALFORMED_JSON, assertThrows(InboundFrames.Rejected.class,
                () -> InboundFrames.parse("{\"content\":")).code());
        assertEquals(ErrorCode.MALFORMED_JSON, assertThrows(InboundFrames.Rejected.class,
                () -> InboundFrames.parse("{\"a\":".repeat(5000))).code());
        assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(InboundFrames.Rejected.class,
                () -> InboundFrames.parse("{\"content\":[1]}")).code());
        assertEquals(ErrorCode.INVALID_MESSAGE, assertThrows(InboundFrames.Rejected.class,
                () -> InboundFrames.parse("{\"content\":\"x\",\"clientId\":{}}")).code());
        assertEquals(ErrorCode.EMPTY_MESSAGE, assertThrows(InboundFrames.Rejected.class,
                () -> InboundFrames.parse("")).code());
    }

    @Test
    void unpairedSurrogatesBecomeReplacementCharacters() throws Exception {
        assertEquals("a\uFFFDb", InboundFrames.parse("{\"content\":\"a\\ud800b\"}").content());
        assertEquals("\uD83D\uDE00 ok", InboundFrames.parse("{\"content\":\"\\ud83d\\ude00 ok\"}").content());
        assertEquals("\uFFFD", InboundFrames.wellFormed("\uDC00"));
    }

    @Test
    void theClientIdOfARefusedFrameIsReadWithoutParsingItAsAMessage() {
        assertEquals("c-1", InboundFrames.clientIdOf("{\"clientId\":\"c-1\",\"content\":\"hi\"}"));
        assertEquals("c-2", InboundFrames.clientIdOf(" {\"content\":\"x\",\"clientId\":\"c-2\"}"));
        // found before the frame breaks: what follows the clientId is not read
        assertEquals("c-3", InboundFrames.clientIdOf("{\"clientId\":\"c-3\",\"content\":"));
        assertNull(InboundFrames.clientIdOf("plain text \"clientId\":\"c-4\""));
        assertNull(InboundFrames.clientIdOf("{\"content\":\"\\\"clientId\\\":\\\"c-5\\\"\"}"));
        assertNull(InboundFrames.clientIdOf("{\"content\":{\"clientId\":\"c-6\"}}"));
        assertNull(InboundFrames.clientIdOf("{\"clientId\":\"not valid!\",\"content\":\"x\"}"));
        assertNull(InboundFrames.clientIdOf("{\"clientId\":7,\"content\":\"x\"}"));
        assertNull(InboundFrames.clientIdOf("{\"content\":\"x\"}"));
        assertNull(InboundFrames.clientIdOf("{\"a\":".repeat(5000) + "\"clientId\""));
        assertNull(InboundFrames.clientIdOf(null));
    }
}
