package io.redischat.admin.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import org.junit.jupiter.api.Test;

/** The admin token check and the opaque listing cursor. */
class AdminTokenTest {

    @Test
    void onlyTheSameTokenMatchesAndItsIdIsTheStartOfItsSha256() {
        var token = new AdminToken("s3cret");
        assertTrue(token.matches("s3cret"));
        assertFalse(token.matches("s3cret "));
        assertFalse(token.matches(""));
        assertFalse(token.matches(null));
        // echo -n s3cret | sha256sum
        assertEquals("1ec1c26b", token.id());
    }

    @Test
    void aCursorComesBackAsItWentAndAForgedOneIsRefused() {
        var cursor = new ScanCursor("127.0.0.1:7001", "12345");
        assertEquals(cursor, ScanCursor.parse(cursor.text()));
        assertEquals(ScanCursor.START, ScanCursor.parse(null));
        assertEquals(ScanCursor.START, ScanCursor.parse(""));
        assertThrows(IllegalArgumentException.class, () -> ScanCursor.parse("!!"));
        assertThrows(IllegalArgumentException.class, () -> ScanCursor.parse(
                java.util.Base64.getUrlEncoder().encodeToString("node|KEYS *".getBytes())));
    }
}
