package io.redischat.sessions.control;

/**
 * The store of histories could not do what was asked. The message says why in words fit for a client or an API
 * response; it never carries credentials.
 */
public class HistoryUnavailableException extends RuntimeException {

    public HistoryUnavailableException(String message, Throwable cause) {
        super(message, cause);
    }
}
