package io.redischat.security.boundary;

import java.util.logging.Logger;

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

import io.redischat.api.entity.ErrorResponse;
import io.redischat.security.control.TokenRejectedException;
import io.redischat.security.control.TokenVerifier;
import io.redischat.security.entity.Caller;

/**
 * With access control on, a request to a {@link TokenRequired} resource needs {@code Authorization: Bearer <token>}:
 * 401 with a {@code WWW-Authenticate} challenge without a valid one, 403 for a session the token does not allow.
 */
@Provider
@TokenRequired
@Priority(Priorities.AUTHENTICATION)
public class RestTokenFilter implements ContainerRequestFilter {

    private static final Logger LOG = Logger.getLogger(RestTokenFilter.class.getName());

    @Inject
    TokenVerifier tokens;

    @Context
    HttpServletRequest servletRequest;

    @Override
    public void filter(ContainerRequestContext request) {
        if (!tokens.enabled()) {
            return;
        }
        Caller caller;
        try {
            caller = tokens.verify(BearerToken.of(request.getHeaderString(HttpHeaders.AUTHORIZATION)));
        } catch (TokenRejectedException e) {
            LOG.fine(() -> "api refused reason=auth_failed client=" + servletRequest.getRemoteAddr() + " why="
                    + e.getMessage());
            request.abortWith(Response.status(Response.Status.UNAUTHORIZED)
                    .header(HttpHeaders.WWW_AUTHENTICATE, BearerToken.challengeHeader(e.getMessage()))
                    .type(MediaType.APPLICATION_JSON_TYPE).entity(ErrorResponse.of(e.getMessage())).build());
            return;
        }
        String sessionId = request.getUriInfo().getPathParameters().getFirst("session_id");
        if (sessionId != null && !caller.allows(sessionId)) {
            LOG.info(() -> "api refused reason=session_not_allowed client=" + servletRequest.getRemoteAddr()
                    + " subject=" + io.redischat.ops.control.LogText.of(caller.subject()));
            request.abortWith(Response.status(Response.Status.FORBIDDEN).type(MediaType.APPLICATION_JSON_TYPE)
                    .entity(ErrorResponse.of(BearerToken.FORBIDDEN)).build());
        }
    }
}
