package io.redischat.sessions.control;

/** Sizes of text in UTF-8, counted without encoding it (every frame is sized before it is sent). */
public final class Utf8 {

    private Utf8() {
    }

    /** The bytes {@code text} takes in UTF-8; an unpaired surrogate counts as the 3 bytes of its replacement. */
    public static long length(CharSequence text) {
        int chars = text.length();
        long bytes = chars;
        for (int i = 0; i < chars; i++) {
            char c = text.charAt(i);
            if (c < 0x80) {
                continue;
            }
            if (c < 0x800) {
                bytes += 1;
            } else if (Character.isHighSurrogate(c) && i + 1 < chars && Character.isLowSurrogate(text.charAt(i + 1))) {
                // a pair: 2 chars, 4 bytes
                bytes += 2;
                i++;
            } else {
                bytes += 2;
            }
        }
        return bytes;
    }
}
