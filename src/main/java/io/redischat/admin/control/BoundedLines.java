package io.redischat.admin.control;

import java.io.IOException;
import java.io.Reader;

/**
 * Reads a text line by line, holding at most {@code maxChars} of a line: a longer line is reported as too long, and
 * read no further, so a file with a line of gigabytes cannot take the heap. Lines end with LF or CRLF.
 */
final class BoundedLines {

    /** A line longer than the limit. */
    static final class TooLong extends Exception {
        TooLong(int maxChars) {
            super("longer than " + maxChars + " characters");
        }
    }

    private final Reader in;
    private final int maxChars;
    private final char[] buffer = new char[8192];
    private int position;
    private int limit;
    private final StringBuilder line = new StringBuilder();

    BoundedLines(Reader in, int maxChars) {
        this.in = in;
        this.maxChars = maxChars;
    }

    /** The next line without its end, or null at the end of the text. */
    String next() throws IOException, TooLong {
        line.setLength(0);
        boolean any = false;
        while (true) {
            if (position == limit) {
                limit = in.read(buffer);
                position = 0;
                if (limit <= 0) {
                    limit = 0;
                    return any ? endOfLine() : null;
                }
            }
            any = true;
            int start = position;
            while (position < limit && buffer[position] != '\n') {
                position++;
            }
            if (line.length() + position - start > maxChars + 1) {
                throw new TooLong(maxChars);
            }
            line.append(buffer, start, position - start);
            if (position < limit) {
                position++;
                return endOfLine();
            }
        }
    }

    private String endOfLine() throws TooLong {
        int length = line.length();
        if (length > 0 && line.charAt(length - 1) == '\r') {
            line.setLength(--length);
        }
        if (length > maxChars) {
            throw new TooLong(maxChars);
        }
        return line.toString();
    }
}
