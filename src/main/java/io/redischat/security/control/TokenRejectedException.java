package io.redischat.security.control;

/** A bearer token that is not accepted, with a reason that may be shown to its holder (it never quotes the token). */
public final class TokenRejectedException extends Exception {

    public TokenRejectedException(String reason) {
        super(reason, null, false, false);
    }
}
