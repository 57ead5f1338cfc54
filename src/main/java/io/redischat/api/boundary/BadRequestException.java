package io.redischat.api.boundary;

/** A request the API refuses with 400, with a message that tells the caller what to fix. */
public class BadRequestException extends RuntimeException {

    public BadRequestException(String message) {
        super(message, null, false, false);
    }
}
