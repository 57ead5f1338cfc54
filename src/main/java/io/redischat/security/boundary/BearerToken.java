package io.redischat.security.boundary;

import java.io.IOException;

import jakarta.servlet.http.HttpServletResponse;

import io.redischat.security.control.TokenRejectedException;

/** The token of an {@code Authorization: Bearer} header, and the 401 that asks for one (RFC 6750). */
public final class BearerToken {

    private BearerToken() {
    }

    public static String of(String header) throws TokenRejectedException {
        if (header == null || header.isBlank()) {
            throw new TokenRejectedException("authentication required: send Authorization: Bearer <token>");
        }
        String[] parts = header.trim().split("\\s+", 2);
        if (parts.length != 2 || !parts[0].equalsIgnoreCase("Bearer")) {
            throw new TokenRejectedException("the Authorization header must be Bearer <token>");
        }
        return parts[1];
    }

    /** The WWW-Authenticate value for a refusal; the reason is ours, never the client's text. */
    static String challengeHeader(String reason) {
        return "Bearer realm=\"redis-chat\", error=\"invalid_token\", error_description=\""
                + reason.replace("\"", "'") + "\"";
    }

    static final String FORBIDDEN = "this token does not allow this session";

    static void forbidden(HttpServletResponse response) throws IOException {
        error(response, 403, FORBIDDEN);
    }

    static void challenge(HttpServletResponse response, String reason) throws IOException {
        response.setHeader("WWW-Authenticate", challengeHeader(reason));
        error(response, 401, reason);
    }

    /** The API's error shape; the reason is ours (no quotes to escape but these), never the client's text. */
    private static void error(HttpServletResponse response, int status, String reason) throws IOException {
        response.setStatus(status);
        response.setHeader("Cache-Control", "no-store");
        response.setContentType("application/json");
        response.getWriter().write("{\"success\":false,\"error\":\"" + reason.replace("\"", "'") + "\"}");
    }
}
