package io.redischat.sessions.control;

/**
 * The client sent a clientId it had already given a message with other content. Nothing was stored: reporting the
 * first message as this one's would tell the client a message was stored that never was.
 */
public class ClientIdReusedException extends RuntimeException {

    public ClientIdReusedException(String clientId) {
        super("clientId " + clientId + " was already used for a message with other content; nothing was stored",
                null, false, false);
    }
}
