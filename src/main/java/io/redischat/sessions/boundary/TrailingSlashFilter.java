package io.redischat.sessions.boundary;

import java.io.IOException;

import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

/**
 * Lets {@code /ws/{session_id}/} reach {@link ChatEndpoint} like {@code /ws/{session_id}}: the guide's REST paths end
 * in a slash and clients copy that. A second endpoint at the slashed path would do on Payara, but WildFly's
 * Undertow refuses two endpoints it considers the same mapping, so the path is trimmed before the upgrade instead.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class TrailingSlashFilter extends HttpFilter {

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String uri = request.getRequestURI();
        if (uri.length() > 1 && uri.endsWith("/") && !uri.endsWith("/ws/")) {
            chain.doFilter(new Trimmed(request), response);
        } else {
            chain.doFilter(request, response);
        }
    }

    private static final class Trimmed extends HttpServletRequestWrapper {
        Trimmed(HttpServletRequest request) {
            super(request);
        }

        @Override
        public String getRequestURI() {
            return trim(super.getRequestURI());
        }

        @Override
        public StringBuffer getRequestURL() {
            return new StringBuffer(trim(super.getRequestURL().toString()));
        }

        @Override
        public String getServletPath() {
            return trim(super.getServletPath());
        }

        @Override
        public String getPathInfo() {
            String pathInfo = super.getPathInfo();
            return pathInfo == null ? null : trim(pathInfo);
        }

        private static String trim(String path) {
            return path.endsWith("/") && path.length() > 1 ? path.substring(0, path.length() - 1) : path;
        }
    }
}
