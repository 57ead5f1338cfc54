package io.redischat.security.control;

import java.util.Optional;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How tokens are verified when {@code chat.auth.mode=jwt}: the standard MicroProfile JWT properties
 * ({@code mp.jwt.verify.*}), so a deployer sets them as for any MicroProfile service.
 */
@ConfigProperties(prefix = "mp.jwt.verify")
@Dependent
public class JwtSettings {

    /** The verification key itself: PEM, JWK or JWK Set. */
    @ConfigProperty(name = "publickey")
    public Optional<String> publicKey = Optional.empty();

    /** Where to read the key: a file, a class path resource, or an http(s) URL of a JWK Set. */
    @ConfigProperty(name = "publickey.location")
    public Optional<String> publicKeyLocation = Optional.empty();

    /** The one signature algorithm accepted. */
    @ConfigProperty(name = "publickey.algorithm", defaultValue = "RS256")
    public String algorithm;

    /** When set, the {@code iss} a token must have. */
    @ConfigProperty(name = "issuer")
    public Optional<String> issuer = Optional.empty();

    /** When set (comma-separated), a token's {@code aud} must contain one of them. */
    @ConfigProperty(name = "audiences")
    public Optional<String> audiences = Optional.empty();

    /** Seconds of clock difference allowed on {@code exp} and {@code nbf}. */
    @ConfigProperty(name = "clock.skew", defaultValue = "60")
    public long clockSkewSeconds;
}
