package io.redischat.admin.control;

import java.nio.charset.StandardCharsets;
import java.util.Base64;

/**
 * Where a session listing stopped: which master (by address) and its SCAN cursor there, as one opaque string
 * (base64url of {@code master|cursor}). {@link #START} begins at the first master.
 */
record ScanCursor(String master, String cursor) {

    static final ScanCursor START = new ScanCursor(null, "0");

    static ScanCursor parse(String text) {
        if (text == null || text.isEmpty()) {
            return START;
        }
        String decoded;
        try {
            decoded = new String(Base64.getUrlDecoder().decode(text), StandardCharsets.UTF_8);
        } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException("invalid cursor: pass next_cursor as it came");
        }
        int bar = decoded.lastIndexOf('|');
        if (bar <= 0 || !decoded.substring(bar + 1).matches("[0-9]{1,20}")) {
            throw new IllegalArgumentException("invalid cursor: pass next_cursor as it came");
        }
        return new ScanCursor(decoded.substring(0, bar), decoded.substring(bar + 1));
    }

    String text() {
        return Base64.getUrlEncoder().withoutPadding()
                .encodeToString((master + "|" + cursor).getBytes(StandardCharsets.UTF_8));
    }
}
