package io.redischat.sessions.control;

/** The server's answer to the Nth user message of a session; the Lua script builds the same text. */
public final class ReplyText {

    private ReplyText() {
    }

    public static String of(long number, String content) {
        return "Message #" + number + ": " + content;
    }
}
