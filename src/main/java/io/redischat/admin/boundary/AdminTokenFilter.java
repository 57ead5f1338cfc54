package io.redischat.admin.boundary;


import jakarta.annotation.Priority;
import jakarta.inject.Inject;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.Priorities;
import jakarta.ws.rs.container.ContainerRequestContext;
import jakarta.ws.rs.container.ContainerRequestFilter;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.HttpHeaders;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.Provider;

import io.redischat.admin.control.AdminAccess;
import io.redischat.admin.control.AdminToken;
import io.redischat.admin.control.AuditLog;
import io.redischat.api.entity.ErrorResponse;
import io.redischat.ops.control.LogText;
import io.redischat.security.boundary.BearerToken;
import io.redischat.security.control.TokenRejectedException;
import io.redischat.security.control.TokenVerifier;
import io.redischat.security.entity.Caller;

/**
 * In front of the admin API: without {@code chat.admin.token} it does not exist (404); otherwise a request needs
 * {@code Authorization: Bearer <that token>}, or, where access control verifies JWTs, a JWT in the group
 * {@code chat-admin} (401 with a {@code WWW-Authenticate: Bearer} challenge, audited as {@code refused}). The
 * caller's id goes to the resource as the servlet request attribute {@link #ACTOR} (RESTEasy, on WildFly, cannot
 * inject the request context into a resource method).
 */
@Provider
@AdminOnly
@Priority(Priorities.AUTHENTICATION)
public class AdminTokenFilter implements ContainerRequestFilter {

    public static final String ACTOR = "io.redischat.admin.actor";
    static final String ADMIN_GROUP = "chat-admin";

    @Inject
    AdminAccess access;

    @Inject
    AuditLog audit;

    @Inject
    TokenVerifier tokens;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        AdminToken token = access.token();
        if (token == null) {
            request.abortWith(error(Response.Status.NOT_FOUND, "not found").build());
            return;
        }
        String presented = presented(request.getHeaderString(HttpHeaders.AUTHORIZATION));
        if (token.matches(presented)) {
            servletRequest.setAttribute(ACTOR, "token:" + token.id());
            return;
        }
        String subject = adminSubject(presented);
        if (subject != null) {
            servletRequest.setAttribute(ACTOR, "jwt:" + LogText.of(subject));
            return;
        }
        audit.record("unknown", "refused", null, (presented == null ? "no token" : "wrong token")
                + " from " + servletRequest.getRemoteAddr());
        request.abortWith(error(Response.Status.UNAUTHORIZED, presented == null
                ? "admin token required: Authorization: Bearer <chat.admin.token>" : "admin token not accepted")
                .header(HttpHeaders.WWW_AUTHENTICATE, "Bearer realm=\"chat-admin\"").build());
    }

    /** The bearer token of the header, or null when there is none (or the header is not Bearer). */
    private static String presented(String header) {
        try {
            return BearerToken.of(header);
        } catch (TokenRejectedException e) {
            return null;
        }
    }

    /**
     * The subject of a JWT in the group {@value #ADMIN_GROUP} that this server's access control accepts (see the
     * README's "Access control"), or null: with JWT verification configured, such a token opens the admin API too.
     */
    private String adminSubject(String presented) {
        if (presented == null || !tokens.enabled()) {
            return null;
        }
        try {
            Caller caller = tokens.verify(presented);
            return caller.inGroup(ADMIN_GROUP) ? caller.subject() : null;
        } catch (TokenRejectedException e) {
            return null;
        }
    }

    private static Response.ResponseBuilder error(Response.Status status, String why) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorResponse.of(why));
    }
}
