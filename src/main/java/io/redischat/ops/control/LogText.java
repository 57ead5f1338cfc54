package io.redischat.ops.control;

/**
 * Client text (session ids from paths, Origins, close reasons) as it may go into a log line: control characters
 * escaped so nobody can forge a line or hide one with CR/LF or terminal escapes, and cut so nobody can fill the log.
 */
public final class LogText {

    static final int MAX_CHARS = 100;

    private LogText() {
    }

    public static String of(String text) {
        if (text == null) {
            return "null";
        }
        var line = new StringBuilder(Math.min(text.length(), MAX_CHARS) + 16);
        int shown = Math.min(text.length(), MAX_CHARS);
        for (int i = 0; i < shown; i++) {
            char c = text.charAt(i);
            switch (c) {
                case '\r' -> line.append("\\r");
                case '\n' -> line.append("\\n");
                case '\t' -> line.append("\\t");
                case '\\' -> line.append("\\\\");
                default -> {
                    if (Character.isISOControl(c) || c == '\u2028' || c == '\u2029'
                            || Character.getType(c) == Character.FORMAT || Character.isSurrogate(c)) {
                        line.append(String.format("\\u%04x", (int) c));
                    } else {
                        line.append(c);
                    }
                }
            }
        }
        if (text.length() > MAX_CHARS) {
            line.append("...(").append(text.length()).append(" chars)");
        }
        return line.toString();
    }
}
