package io.redischat.sessions.control;

/**
 * The server's answer to the Nth user message when it is not stored (no persistence, or the store failed). A stored
 * reply is made by the store in the same step that stores the message.
 */
public final class ReplyText {

    private ReplyText() {
    }

    public static String of(long number, String content) {
        return "Message #" + number + ": " + content;
    }
}
