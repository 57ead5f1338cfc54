package io.redischat.security.boundary;

import java.io.IOException;
import java.security.Principal;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import io.redischat.security.control.TokenRejectedException;
import io.redischat.security.control.TokenVerifier;
import io.redischat.security.entity.Caller;

/**
 * With access control on, a WebSocket handshake that carries {@code Authorization: Bearer <token>} (tools and
 * servers; browsers cannot) is verified here: a bad token is refused with 401 before the upgrade, a good one becomes
 * the request's user principal, which the endpoint reads as {@link Caller}. A handshake without the header goes on
 * and must authenticate in its first frame.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class WebSocketTokenFilter extends HttpFilter {

    private static final Logger LOG = Logger.getLogger(WebSocketTokenFilter.class.getName());

    @Inject
    TokenVerifier tokens;

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String header = request.getHeader("Authorization");
        if (!tokens.enabled() || header == null) {
            chain.doFilter(request, response);
            return;
        }
        try {
            Caller caller = tokens.verify(BearerToken.of(header));
            String path = request.getRequestURI().substring(request.getContextPath().length() + "/ws/".length());
            String sessionId = path.endsWith("/") ? path.substring(0, path.length() - 1) : path;
            if (!caller.allows(sessionId)) {
                BearerToken.forbidden(response);
                return;
            }
            chain.doFilter(new WithCaller(request, caller), response);
        } catch (TokenRejectedException e) {
            LOG.info(() -> "ws refused reason=auth_failed client=" + request.getRemoteAddr() + " why=" + e.getMessage());
            BearerToken.challenge(response, e.getMessage());
        }
    }

    private static final class WithCaller extends HttpServletRequestWrapper {
        private final Caller caller;

        WithCaller(HttpServletRequest request, Caller caller) {
            super(request);
            this.caller = caller;
        }

        @Override
        public Principal getUserPrincipal() {
            return caller;
        }

        @Override
        public String getAuthType() {
            return "BEARER";
        }
    }
}
