package io.redischat.api.boundary;

import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.ext.ExceptionMapper;
import jakarta.ws.rs.ext.Provider;

import io.redischat.api.entity.ErrorResponse;
import io.redischat.sessions.control.HistoryUnavailableException;

/** Every failure of the REST API leaves as {@code {"success":false,"error":"..."}} with a fitting status. */
@Provider
public class ErrorResponses implements ExceptionMapper<Throwable> {

    private static final Logger LOG = Logger.getLogger(ErrorResponses.class.getName());

    @Override
    public Response toResponse(Throwable failure) {
        if (failure instanceof BadRequestException bad) {
            return of(Response.Status.BAD_REQUEST.getStatusCode(), bad.getMessage());
        }
        if (failure instanceof HistoryUnavailableException redis) {
            return of(Response.Status.SERVICE_UNAVAILABLE.getStatusCode(), redis.getMessage());
        }
        if (failure instanceof WebApplicationException web) {
            int status = web.getResponse().getStatus();
            return of(status, describe(status));
        }
        LOG.log(Level.SEVERE, "unexpected failure in the REST API", failure);
        return of(500, "internal error");
    }

    /** A short reason for a status, for the error shape; {@code request failed} for codes without a name. */
    static String describe(int status) {
        return switch (status) {
            case 404 -> "not found";
            case 405 -> "method not allowed";
            case 406 -> "not acceptable: this API answers application/json";
            case 415 -> "unsupported media type";
            default -> Response.Status.fromStatusCode(status) == null ? "request failed"
                    : Response.Status.fromStatusCode(status).getReasonPhrase().toLowerCase(java.util.Locale.ROOT);
        };
    }

    static Response of(int status, String error) {
        return Response.status(status)
                .type(MediaType.APPLICATION_JSON_TYPE)
                .entity(ErrorResponse.of(error))
                .build();
    }
}
