package io.redischat.security.boundary;

import java.io.IOException;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Enumeration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.logging.Logger;

import jakarta.inject.Inject;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.annotation.WebFilter;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import jakarta.servlet.http.HttpServletResponse;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.security.control.ClientAddress;
import io.redischat.security.control.HandshakeRate;
import io.redischat.security.control.NetworkSettings;

/**
 * Finds the client's address of a WebSocket handshake (through trusted proxies only), refuses the handshake with
 * 429 when that address opens them too fast, and hands the address to the endpoint as the query parameter
 * {@value #PARAMETER} (replacing any the client sent): the WebSocket API shows an endpoint the handshake's query,
 * not its peer.
 */
@WebFilter(urlPatterns = "/ws/*", asyncSupported = true)
public class ClientAddressFilter extends HttpFilter {

    public static final String PARAMETER = "chat.client-address";
    private static final Logger LOG = Logger.getLogger(ClientAddressFilter.class.getName());

    @Inject
    @ConfigProperties
    NetworkSettings settings;

    @Inject
    HandshakeRate rate;

    private Set<String> trustedProxies = Set.of();

    @Override
    public void init() {
        trustedProxies = settings.trustedProxySet();
    }

    @Override
    protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
            throws IOException, ServletException {
        String address = ClientAddress.resolve(request.getRemoteAddr(), request.getHeader("X-Forwarded-For"),
                trustedProxies);
        if (!rate.tryAcquire(address)) {
            LOG.fine(() -> "ws refused reason=too_many_handshakes client=" + address);
            response.setStatus(429);
            response.setHeader("Retry-After", "1");
            response.setContentType("application/json");
            response.getWriter().write("{\"success\":false,\"error\":\"too many connection attempts: retry later\"}");
            return;
        }
        chain.doFilter(new WithClientAddress(request, address), response);
    }

    /** The request with the client's address as one more query parameter. */
    private static final class WithClientAddress extends HttpServletRequestWrapper {
        private final String query;
        private final Map<String, String[]> parameters;

        WithClientAddress(HttpServletRequest request, String address) {
            super(request);
            var kept = new ArrayList<String>();
            if (request.getQueryString() != null) {
                for (String pair : request.getQueryString().split("&")) {
                    if (!pair.isEmpty() && !pair.startsWith(PARAMETER + "=") && !pair.equals(PARAMETER)) {
                        kept.add(pair);
                    }
                }
            }
            kept.add(PARAMETER + "=" + URLEncoder.encode(address, StandardCharsets.UTF_8));
            query = String.join("&", kept);
            var all = new LinkedHashMap<String, String[]>(request.getParameterMap());
            all.put(PARAMETER, new String[] {address});
            parameters = Collections.unmodifiableMap(all);
        }

        @Override
        public String getQueryString() {
            return query;
        }

        @Override
        public Map<String, String[]> getParameterMap() {
            return parameters;
        }

        @Override
        public String getParameter(String name) {
            String[] values = parameters.get(name);
            return values == null || values.length == 0 ? null : values[0];
        }

        @Override
        public String[] getParameterValues(String name) {
            return parameters.get(name);
        }

        @Override
        public Enumeration<String> getParameterNames() {
            return Collections.enumeration(List.copyOf(parameters.keySet()));
        }
    }
}
