package io.redischat.security.boundary;

import java.io.IOException;
import java.util.Locale;
import java.util.Optional;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.redischat.ops.control.LogText;
import io.redischat.security.control.OriginPolicy;

/**
 * Refuses a WebSocket handshake whose {@code Origin} is another site (cross-site WebSocket hijacking), as
 * {@link OriginPolicy} decides from {@code chat.websocket.public-origins} and {@code chat.websocket.allowed-origins}.
 * Clients that send no Origin (not browsers) pass.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class WebSocketOriginFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(WebSocketOriginFilter.class.getName());

    /** The origins the service is published under, such as {@code https://chat.example.com}; checks Host too. */
    @Inject
    @ConfigProperty(name = "chat.websocket.public-origins")
    Optional<String> publicOrigins;

    @Inject
    @ConfigProperty(name = "chat.websocket.allowed-origins")
    Optional<String> allowedOrigins;

    private OriginPolicy policy;

    @Override
    public void init() {
        policy = OriginPolicy.of(publicOrigins.orElse(null), allowedOrigins.orElse(null));
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String origin = request.getHeader("Origin");
        if (origin == null || policy.allows(origin, scheme(request), request.getHeader("Host"))) {
            chain.doFilter(request, response);
            return;
        }
        LOG.info(() -> "ws refused origin=" + LogText.of(origin) + " host=" + LogText.of(request.getHeader("Host"))
                + " path=" + LogText.of(request.getRequestURI()));
        response.setStatus(HttpServletResponse.SC_FORBIDDEN);
        response.setContentType("application/json");
        response.getWriter().write("{\"success\":false,\"error\":\"origin not allowed\"}");
    }

    /**
     * The scheme the browser used: a proxy that terminates TLS says so in {@code X-Forwarded-Proto}. Trusting it is
     * safe here: a page cannot add headers to a WebSocket handshake, and a client that is no browser can send any
     * Origin anyway.
     */
    static String scheme(HttpServletRequest request) {
        String forwarded = request.getHeader("X-Forwarded-Proto");
        if (forwarded != null) {
            String first = forwarded.split(",", 2)[0].trim().toLowerCase(Locale.ROOT);
            if (first.equals("http") || first.equals("https")) {
                return first;
            }
        }
        return request.getScheme();
    }
}
