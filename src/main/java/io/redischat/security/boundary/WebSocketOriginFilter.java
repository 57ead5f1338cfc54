package io.redischat.security.boundary;

import java.io.IOException;
import java.net.URI;
import java.util.Arrays;
import java.util.Locale;
import java.util.Optional;
import java.util.Set;
import java.util.logging.Logger;
import java.util.stream.Collectors;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Refuses a WebSocket handshake whose {@code Origin} is another site (cross-site WebSocket hijacking): allowed are
 * the page's own origin (same host and port as the request) and the origins listed in
 * {@code chat.websocket.allowed-origins}; {@code *} allows any. Clients that send no Origin (not browsers) pass.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class WebSocketOriginFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(WebSocketOriginFilter.class.getName());

    @Inject
    @ConfigProperty(name = "chat.websocket.allowed-origins")
    Optional<String> allowedOrigins;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null || isAllowed(origin, request)) {
            chain.doFilter(request, response);
            return;
        }
        LOG.info(() -> "ws refused origin=" + origin.replaceAll("[^\\x20-\\x7e]", "?") + " path="
                + request.getRequestURI());
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write("{\"success\":false,\"error\":\"origin not allowed\"}");
    }

    private Set<String> listed = Set.of();

    @Override
    public void init() {
        listed = Arrays.stream(allowedOrigins.orElse("").split(","))
                .map(String::trim).filter(s -> !s.isEmpty())
                .map(s -> s.toLowerCase(Locale.ROOT)).collect(Collectors.toUnmodifiableSet());
    }

    boolean isAllowed(String origin, HttpServletRequest request) {
        String normalized = origin.trim().toLowerCase(Locale.ROOT);
        if (listed.contains("*") || listed.contains(normalized)) {
            return true;
        }
        return sameOrigin(normalized, request);
    }

    /** The page that opens the socket was served by this host: Origin's host:port equals the Host header's. */
    static boolean sameOrigin(String origin, HttpServletRequest request) {
        String host = request.getHeader("Host");
        if (host == null) {
            return false;
        }
        try {
            URI uri = URI.create(origin);
            if (uri.getHost() == null) {
                return false;
            }
            int port = uri.getPort() != -1 ? uri.getPort() : ("https".equals(uri.getScheme()) ? 443 : 80);
            String expected = host.toLowerCase(Locale.ROOT);
            if (!expected.contains(":") || expected.endsWith("]")) {
                expected = expected + ":" + ("https".equals(uri.getScheme()) ? 443 : 80);
            }
            return expected.equals(uri.getHost() + ":" + port);
        } catch (IllegalArgumentException e) {
            return false;
        }
    }
}
