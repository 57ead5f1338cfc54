package io.redischat.security.control;

import java.util.Locale;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Access control ({@code chat.auth.*}). Off by default, as in the guide: the session id is the only secret. The
 * token's keys and issuer are the standard MicroProfile JWT properties ({@code mp.jwt.verify.*}), read by
 * {@link TokenVerifier}.
 */
@ConfigProperties(prefix = "chat.auth")
@Dependent
public class AuthSettings {

    /** {@code none}, or {@code jwt}: REST calls and sockets need a signed token. */
    @ConfigProperty(name = "mode", defaultValue = "none")
    public String mode;

    /** A socket opened without a token in its handshake must send {@code {"type":"auth"}} within this time. */
    @ConfigProperty(name = "frame-timeout-ms", defaultValue = "5000")
    public long frameTimeoutMs;

    public boolean jwt() {
        return switch (mode.trim().toLowerCase(Locale.ROOT)) {
            case "jwt" -> true;
            case "none", "" -> false;
            default -> throw new IllegalStateException("chat.auth.mode must be none or jwt, not " + mode);
        };
    }
}
