package io.redischat.sessions.control;

/** A new session was not started (the client started too many, or Redis is nearly full): nothing was stored. */
public class SessionRefusedException extends RuntimeException {

    public SessionRefusedException(String why) {
        super(why, null, false, false);
    }
}
