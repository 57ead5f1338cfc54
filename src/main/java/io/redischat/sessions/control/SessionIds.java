package io.redischat.sessions.control;

import java.util.regex.Pattern;

/** The one rule for session ids, shared by the WebSocket endpoint, the REST API and (as text) the UI. */
public final class SessionIds {

    public static final String RULE = "1 to 128 characters: letters, digits, '-', '_' or '.'";
    private static final Pattern VALID = Pattern.compile("[A-Za-z0-9._-]{1,128}");

    private SessionIds() {
    }

    public static boolean isValid(String sessionId) {
        return sessionId != null && VALID.matcher(sessionId).matches();
    }
}
