package io.redischat.security.control;

import java.io.IOException;
import java.io.InputStream;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.PublicKey;
import java.security.Signature;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import jakarta.annotation.PostConstruct;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;
import jakarta.json.JsonArray;
import jakarta.json.JsonNumber;
import jakarta.json.JsonObject;
import jakarta.json.JsonString;
import jakarta.json.JsonValue;
import jakarta.json.spi.JsonProvider;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.security.entity.Caller;
import io.redischat.sessions.control.SessionIds;

/**
 * Verifies signed JWTs (JWS compact form) with the standard MicroProfile JWT properties, so a deployer configures
 * redis-chat as any MicroProfile service: {@code mp.jwt.verify.publickey} or
 * {@code mp.jwt.verify.publickey.location} (file, class path resource, or http(s) URL of a JWK Set),
 * {@code mp.jwt.verify.publickey.algorithm} (RS256 by default, or ES256), {@code mp.jwt.verify.issuer},
 * {@code mp.jwt.verify.audiences} and {@code mp.jwt.verify.clock.skew} (seconds, 60 by default).
 * <p>
 * It is its own verifier rather than the server's MP JWT mechanism because a browser's token arrives in a
 * WebSocket frame, which no portable API hands to the server's mechanism; one verifier then serves the handshake
 * header, the frame and REST alike, on every server. Only the configured algorithm is accepted (never
 * {@code none}, never an HMAC keyed with the public key), and {@code exp} and {@code sub} are required.
 */
@ApplicationScoped
public class TokenVerifier {

    static final int MAX_TOKEN_CHARS = 8192;
    static final int MAX_SUBJECT_CHARS = 256;
    private static final Logger LOG = Logger.getLogger(TokenVerifier.class.getName());
    private static final JsonProvider JSON = JsonProvider.provider();
    private static final Map<String, String> SIGNATURES = Map.of(
            "RS256", "SHA256withRSA", "RS384", "SHA384withRSA", "RS512", "SHA512withRSA",
            "ES256", "SHA256withECDSAinP1363Format", "ES384", "SHA384withECDSAinP1363Format",
            "ES512", "SHA512withECDSAinP1363Format");
    static final Duration RELOAD_AT_MOST_EVERY = Duration.ofSeconds(30);

    @Inject
    @ConfigProperties
    JwtSettings jwt;

    @Inject
    @ConfigProperties
    AuthSettings settings;

    private volatile VerificationKeys keys;
    private String algorithm;
    private Optional<String> issuer;
    private Set<String> audiences;
    private Duration clockSkew;
    private Clock clock;
    private String keyLocation;
    private Duration reloadAtMostEvery = RELOAD_AT_MOST_EVERY;
    private volatile Instant keysLoadedAt = Instant.MIN;

    TokenVerifier() {
        // for CDI
    }

    TokenVerifier(VerificationKeys keys, String algorithm, String issuer, Set<String> audiences, Duration clockSkew,
                  Clock clock) {
        this.keys = keys;
        this.algorithm = algorithm;
        this.issuer = Optional.ofNullable(issuer);
        this.audiences = audiences;
        this.clockSkew = clockSkew;
        this.clock = clock;
    }

    /** A verifier whose keys come from a location, re-read at most this often for a key id it lacks. */
    static TokenVerifier fromLocation(String location, String algorithm, Duration reloadAtMostEvery, Clock clock) {
        var verifier = new TokenVerifier(load(location), algorithm, null, Set.of(), Duration.ZERO, clock);
        verifier.keyLocation = location;
        verifier.reloadAtMostEvery = reloadAtMostEvery;
        verifier.keysLoadedAt = Instant.now();
        return verifier;
    }

    @PostConstruct
    void configure() {
        clock = Clock.systemUTC();
        algorithm = jwt.algorithm.trim();
        issuer = jwt.issuer.map(String::trim);
        audiences = jwt.audiences
                .map(list -> Arrays.stream(list.split(",")).map(String::trim).filter(a -> !a.isEmpty())
                        .collect(Collectors.toUnmodifiableSet()))
                .orElse(Set.of());
        clockSkew = Duration.ofSeconds(jwt.clockSkewSeconds);
        if (!settings.jwt()) {
            return;
        }
        if (!SIGNATURES.containsKey(algorithm)) {
            throw new IllegalStateException("mp.jwt.verify.publickey.algorithm must be one of "
                    + SIGNATURES.keySet() + ", not " + algorithm);
        }
        keyLocation = jwt.publicKeyLocation.orElse(null);
        if (jwt.publicKey.isPresent()) {
            keys = VerificationKeys.parse(jwt.publicKey.get());
        } else if (keyLocation != null) {
            keys = load(keyLocation);
        } else {
            throw new IllegalStateException("chat.auth.mode=jwt needs mp.jwt.verify.publickey or "
                    + "mp.jwt.verify.publickey.location");
        }
        keysLoadedAt = Instant.now();
        LOG.info(() -> "JWT access control on: " + keys.byId().size() + " key(s), algorithm " + algorithm
                + issuer.map(i -> ", issuer " + i).orElse("") + (audiences.isEmpty() ? "" : ", audiences " + audiences));
    }

    /** Made with the application, so a wrong key setting fails the deployment rather than the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point
    }

    public boolean enabled() {
        return keys != null;
    }

    /** @return the caller the token names, if it is genuine and valid now */
    public Caller verify(String token) throws TokenRejectedException {
        if (token == null || token.isBlank()) {
            throw new TokenRejectedException("no token");
        }
        if (token.length() > MAX_TOKEN_CHARS) {
            throw new TokenRejectedException("token longer than " + MAX_TOKEN_CHARS + " characters");
        }
        String[] parts = token.trim().split("\\.", -1);
        if (parts.length != 3 || parts[2].isEmpty()) {
            throw new TokenRejectedException("token is not a signed JWT (header.payload.signature)");
        }
        JsonObject header = json(parts[0]);
        String alg = header.getString("alg", "");
        if (!algorithm.equals(alg)) {
            throw new TokenRejectedException("token algorithm " + printable(alg) + " is not accepted");
        }
        if (header.containsKey("crit")) {
            throw new TokenRejectedException("token has critical header parameters this server does not know");
        }
        String kid = header.containsKey("kid") && header.get("kid") instanceof JsonString id ? id.getString() : null;
        PublicKey key = keyFor(kid);
        if (key == null || !signatureValid(key, parts)) {
            throw new TokenRejectedException("token signature is not valid");
        }
        return claims(json(parts[1]));
    }

    private Caller claims(JsonObject claims) throws TokenRejectedException {
        Instant now = clock.instant();
        Instant expires = instant(claims, "exp");
        if (expires == null) {
            throw new TokenRejectedException("token has no expiry (exp)");
        }
        Instant validUntil = expires.plus(clockSkew);
        if (!now.isBefore(validUntil)) {
            throw new TokenRejectedException("token expired");
        }
        Instant notBefore = instant(claims, "nbf");
        if (notBefore != null && now.plus(clockSkew).isBefore(notBefore)) {
            throw new TokenRejectedException("token is not valid yet");
        }
        if (issuer.isPresent() && !issuer.get().equals(claims.getString("iss", null))) {
            throw new TokenRejectedException("token issuer is not accepted");
        }
        if (!audiences.isEmpty() && audienceOf(claims).stream().noneMatch(audiences::contains)) {
            throw new TokenRejectedException("token audience is not accepted");
        }
        JsonValue sub = claims.get("sub");
        if (!(sub instanceof JsonString subject) || subject.getString().isBlank()
                || subject.getString().length() > MAX_SUBJECT_CHARS
                || subject.getString().chars().anyMatch(Character::isISOControl)) {
            throw new TokenRejectedException("token needs a subject (sub) of 1 to " + MAX_SUBJECT_CHARS
                    + " printable characters");
        }
        return new Caller(subject.getString(), sessionsOf(claims), validUntil, groupsOf(claims));
    }

    /** MicroProfile JWT's {@code groups}: an array of strings, or absent. */
    private static List<String> groupsOf(JsonObject claims) throws TokenRejectedException {
        JsonValue value = claims.get("groups");
        if (value == null || value == JsonValue.NULL) {
            return List.of();
        }
        if (!(value instanceof JsonArray array) || array.stream().anyMatch(g -> !(g instanceof JsonString))) {
            throw new TokenRejectedException("groups must be an array of strings");
        }
        return array.getValuesAs(JsonString.class).stream().map(JsonString::getString).toList();
    }

    private static List<String> sessionsOf(JsonObject claims) throws TokenRejectedException {
        JsonValue value = claims.get("chat_sessions");
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonArray array)) {
            throw new TokenRejectedException("chat_sessions must be an array of session ids or prefixes ending in *");
        }
        var sessions = new ArrayList<String>();
        for (JsonValue entry : array) {
            String grant = entry instanceof JsonString text ? text.getString() : "";
            String id = grant.endsWith("*") ? grant.substring(0, grant.length() - 1) : grant;
            if (!(id.isEmpty() && grant.equals("*")) && !SessionIds.isValid(id)) {
                throw new TokenRejectedException(
                        "chat_sessions must be an array of session ids or prefixes ending in *");
            }
            sessions.add(grant);
        }
        return sessions;
    }

    private static List<String> audienceOf(JsonObject claims) {
        JsonValue aud = claims.get("aud");
        if (aud instanceof JsonString one) {
            return List.of(one.getString());
        }
        if (aud instanceof JsonArray many) {
            return many.stream().filter(JsonString.class::isInstance).map(v -> ((JsonString) v).getString()).toList();
        }
        return List.of();
    }

    private static Instant instant(JsonObject claims, String name) throws TokenRejectedException {
        JsonValue value = claims.get(name);
        if (value == null || value == JsonValue.NULL) {
            return null;
        }
        if (!(value instanceof JsonNumber number)) {
            throw new TokenRejectedException("token claim " + name + " must be a number of seconds");
        }
        return Instant.ofEpochSecond(number.longValue());
    }

    private PublicKey keyFor(String kid) {
        PublicKey key = keys.forKeyId(kid);
        if (key == null && keyLocation != null && kid != null
                && Instant.now().isAfter(keysLoadedAt.plus(reloadAtMostEvery))) {
            // a key id not seen yet: the issuer may have rotated its keys
            synchronized (this) {
                if (Instant.now().isAfter(keysLoadedAt.plus(reloadAtMostEvery))) {
                    keysLoadedAt = Instant.now();
                    try {
                        keys = load(keyLocation);
                    } catch (RuntimeException e) {
                        LOG.warning("JWT keys could not be reloaded: " + e.getMessage());
                    }
                }
            }
            key = keys.forKeyId(kid);
        }
        return key;
    }

    private boolean signatureValid(PublicKey key, String[] parts) throws TokenRejectedException {
        byte[] signature;
        try {
            signature = Base64.getUrlDecoder().decode(parts[2]);
        } catch (IllegalArgumentException e) {
            throw new TokenRejectedException("token is not a signed JWT (header.payload.signature)");
        }
        try {
            var verifier = Signature.getInstance(SIGNATURES.get(algorithm));
            verifier.initVerify(key);
            verifier.update((parts[0] + "." + parts[1]).getBytes(StandardCharsets.US_ASCII));
            return verifier.verify(signature);
        } catch (GeneralSecurityException | RuntimeException e) {
            // a key of the other kind (EC for RS256), or a signature of the wrong length
            return false;
        }
    }

    private static JsonObject json(String part) throws TokenRejectedException {
        try (var reader = JSON.createReader(new StringReader(
                new String(Base64.getUrlDecoder().decode(part), StandardCharsets.UTF_8)))) {
            return reader.readObject();
        } catch (RuntimeException e) {
            throw new TokenRejectedException("token is not a JWT: its header or payload is not base64url JSON");
        }
    }

    private static String printable(String text) {
        return text.length() > 16 || !text.matches("[A-Za-z0-9]*") ? "?" : text.isEmpty() ? "(none)" : text;
    }

    /** The key text behind a location: a file path or file: URL, a class path resource, or an http(s) URL. */
    private static VerificationKeys load(String location) {
        try {
            String text;
            if (location.startsWith("http://") || location.startsWith("https://")) {
                HttpResponse<String> response = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()
                        .send(HttpRequest.newBuilder(URI.create(location)).timeout(Duration.ofSeconds(5)).build(),
                                HttpResponse.BodyHandlers.ofString());
                if (response.statusCode() != 200) {
                    throw new IllegalStateException("HTTP " + response.statusCode());
                }
                text = response.body();
            } else if (location.startsWith("classpath:") || !location.contains("/") && !location.startsWith("file:")
                    && Thread.currentThread().getContextClassLoader().getResource(location) != null) {
                String name = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
                try (InputStream in = Thread.currentThread().getContextClassLoader()
                        .getResourceAsStream(name.startsWith("/") ? name.substring(1) : name)) {
                    if (in == null) {
                        throw new IOException("no such resource");
                    }
                    text = new String(in.readAllBytes(), StandardCharsets.UTF_8);
                }
            } else {
                text = Files.readString(location.startsWith("file:") ? Path.of(URI.create(location))
                        : Path.of(location));
            }
            return VerificationKeys.parse(text);
        } catch (IOException e) {
            throw new IllegalStateException("mp.jwt.verify.publickey.location cannot be read: "
                    + e.getClass().getSimpleName(), e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while reading mp.jwt.verify.publickey.location", e);
        }
    }
}
