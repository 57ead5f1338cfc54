package io.redischat.security.control;

import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Which browser pages may open a WebSocket: compares scheme, host and port exactly (default ports made explicit),
 * never a prefix or a host alone.
 * <ul>
 * <li>With public origins (the origins under which the service is published, such as
 * {@code https://chat.example.com}): the {@code Origin} must be one of them or an allowed origin, and the
 * {@code Host} the request arrived with must name one of the public origins (a page on a rebound DNS name or a
 * forged Host gets nothing).</li>
 * <li>Without: the page's own origin (the request's scheme, its {@code Host} header's host and port) or an allowed
 * origin.</li>
 * </ul>
 * {@code *} among the allowed origins allows any Origin; the Host check of public origins still applies.
 */
public final class OriginPolicy {

    /** A web origin with its port always explicit: {@code https://chat.example.com} is {@code https, ..., 443}. */
    public record Origin(String scheme, String host, int port) {

        private static final Pattern ORIGIN = Pattern.compile(
                "(https?)://(\\[[0-9a-f:.]+]|[a-z0-9._-]+)(?::(\\d{1,5}))?");
        private static final Pattern HOST = Pattern.compile("(\\[[0-9a-f:.]+]|[a-z0-9._-]+)(?::(\\d{1,5}))?");

        /** An {@code Origin} header value; empty for anything that is not exactly http(s)://host[:port]. */
        public static Optional<Origin> parse(String text) {
            if (text == null) {
                return Optional.empty();
            }
            Matcher origin = ORIGIN.matcher(text.toLowerCase(Locale.ROOT));
            if (!origin.matches()) {
                return Optional.empty();
            }
            return of(origin.group(1), origin.group(2), origin.group(3));
        }

        /** The origin a request reached us under: its scheme and its {@code Host} header ({@code host[:port]}). */
        public static Optional<Origin> ofHost(String scheme, String hostHeader) {
            if (scheme == null || hostHeader == null) {
                return Optional.empty();
            }
            String normalizedScheme = scheme.toLowerCase(Locale.ROOT);
            Matcher host = HOST.matcher(hostHeader.trim().toLowerCase(Locale.ROOT));
            if (!host.matches() || !(normalizedScheme.equals("http") || normalizedScheme.equals("https"))) {
                return Optional.empty();
            }
            return of(normalizedScheme, host.group(1), host.group(2));
        }

        private static Optional<Origin> of(String scheme, String host, String port) {
            int number = port == null ? ("https".equals(scheme) ? 443 : 80) : Integer.parseInt(port);
            return number < 1 || number > 65535 ? Optional.empty() : Optional.of(new Origin(scheme, host, number));
        }

        boolean sameHostAndPort(Origin other) {
            return host.equals(other.host) && port == other.port;
        }

        @Override
        public String toString() {
            return scheme + "://" + host + ":" + port;
        }
    }

    private final List<Origin> publicOrigins;
    private final List<Origin> allowedOrigins;
    private final boolean anyOrigin;

    private OriginPolicy(List<Origin> publicOrigins, List<Origin> allowedOrigins, boolean anyOrigin) {
        this.publicOrigins = publicOrigins;
        this.allowedOrigins = allowedOrigins;
        this.anyOrigin = anyOrigin;
    }

    /**
     * From the settings, comma-separated lists of origins; an entry that is no origin is a configuration error,
     * refused here rather than silently never matching.
     */
    public static OriginPolicy of(String publicOrigins, String allowedOrigins) {
        List<String> allowed = entries(allowedOrigins);
        return new OriginPolicy(origins("chat.websocket.public-origins", entries(publicOrigins)),
                origins("chat.websocket.allowed-origins", allowed.stream().filter(o -> !o.equals("*")).toList()),
                allowed.contains("*"));
    }

    /**
     * Whether a handshake with this {@code Origin} may proceed. {@code requestScheme} is the scheme the client used
     * (behind a proxy that terminates TLS, the forwarded one) and {@code hostHeader} the request's {@code Host}.
     */
    public boolean allows(String origin, String requestScheme, String hostHeader) {
        Optional<Origin> page = Origin.parse(origin == null ? null : origin.trim());
        if (publicOrigins.isEmpty()) {
            Optional<Origin> own = Origin.ofHost(requestScheme, hostHeader);
            return anyOrigin || page.isPresent()
                    && (allowedOrigins.contains(page.get()) || own.isPresent() && own.get().equals(page.get()));
        }
        if (!publishedHost(hostHeader)) {
            return false;
        }
        return anyOrigin || page.isPresent()
                && (publicOrigins.contains(page.get()) || allowedOrigins.contains(page.get()));
    }

    /** The Host header names one of the public origins (without a port: that origin's default port). */
    private boolean publishedHost(String hostHeader) {
        for (Origin published : publicOrigins) {
            Optional<Origin> host = Origin.ofHost(published.scheme(), hostHeader);
            if (host.isPresent() && host.get().sameHostAndPort(published)) {
                return true;
            }
        }
        return false;
    }

    private static List<String> entries(String list) {
        return list == null ? List.of() : Arrays.stream(list.split(","))
                .map(String::trim).filter(s -> !s.isEmpty()).toList();
    }

    private static List<Origin> origins(String setting, List<String> entries) {
        return entries.stream()
                .map(entry -> Origin.parse(entry.endsWith("/") ? entry.substring(0, entry.length() - 1) : entry)
                        .orElseThrow(() -> new IllegalArgumentException(setting + ": '" + entry
                                + "' is not an origin such as https://chat.example.com or http://localhost:8080")))
                .toList();
    }
}
