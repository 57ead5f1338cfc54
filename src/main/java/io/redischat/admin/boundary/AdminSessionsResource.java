package io.redischat.admin.boundary;

import java.util.function.Supplier;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.DELETE;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.PUT;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;

import redis.clients.jedis.exceptions.JedisException;

import io.redischat.admin.control.AuditLog;
import io.redischat.admin.control.SessionDirectory;
import io.redischat.admin.control.SessionRemoval;
import io.redischat.admin.control.SessionTtl;
import io.redischat.admin.entity.Deleted;
import io.redischat.admin.entity.SessionDetail;
import io.redischat.admin.entity.SessionPage;
import io.redischat.admin.entity.SessionSummary;
import io.redischat.admin.entity.TtlChange;
import io.redischat.api.boundary.BadRequestException;
import io.redischat.redis.control.RedisUnavailableException;
import io.redischat.sessions.control.SessionIds;

/**
 * {@code /chat/api/admin/sessions}: the sessions Redis holds, paged by an opaque cursor; one session's detail, its
 * deletion, and a new TTL for all its keys. Every call is one audit line.
 */
@ApplicationScoped
@AdminOnly
@Path("admin/sessions")
@Produces(MediaType.APPLICATION_JSON)
public class AdminSessionsResource {

    static final int DEFAULT_LIMIT = 100;
    static final int MAX_LIMIT = 1000;

    @Inject
    SessionDirectory directory;

    @Inject
    SessionRemoval removal;

    @Inject
    SessionTtl ttl;

    @Inject
    AuditLog audit;

    @GET
    public SessionPage list(@QueryParam("cursor") String cursor, @QueryParam("limit") String limit,
                            @Context HttpServletRequest request) {
        int size = limit == null ? DEFAULT_LIMIT : limit(limit);
        SessionPage page;
        try {
            page = redis(() -> directory.page(cursor, size));
        } catch (IllegalArgumentException e) {
            throw new BadRequestException(e.getMessage());
        }
        audit.record(actor(request), "list", null, page.count() + " sessions");
        return page;
    }

    @GET
    @Path("{session_id}")
    public SessionDetail detail(@PathParam("session_id") String sessionId, @Context HttpServletRequest request) {
        valid(sessionId);
        SessionSummary found = redis(() -> directory.one(sessionId));
        audit.record(actor(request), "detail", sessionId, found == null ? "not found" : "ok");
        if (found == null) {
            throw new NotFoundException();
        }
        return SessionDetail.of(found);
    }

    @DELETE
    @Path("{session_id}")
    public Deleted delete(@PathParam("session_id") String sessionId, @Context HttpServletRequest request) {
        valid(sessionId);
        long keys = redis(() -> removal.delete(sessionId));
        audit.record(actor(request), "delete", sessionId, keys == 0 ? "not found" : keys + " keys deleted");
        if (keys == 0) {
            throw new NotFoundException();
        }
        return new Deleted(true, sessionId, true, keys);
    }

    @PUT
    @Path("{session_id}/ttl")
    @Consumes(MediaType.APPLICATION_JSON)
    public SessionDetail ttl(@PathParam("session_id") String sessionId, TtlChange change,
                             @Context HttpServletRequest request) {
        valid(sessionId);
        if (change == null || change.ttlSeconds() == null || change.ttlSeconds() < 1
                || change.ttlSeconds() > TtlChange.MAX_SECONDS) {
            throw new BadRequestException("body must be {\"ttl_seconds\":N} with N from 1 to " + TtlChange.MAX_SECONDS);
        }
        boolean changed = redis(() -> ttl.set(sessionId, change.ttlSeconds()));
        audit.record(actor(request), "ttl", sessionId, changed ? "ttl_seconds=" + change.ttlSeconds() : "not found");
        if (!changed) {
            throw new NotFoundException();
        }
        SessionSummary now = redis(() -> directory.one(sessionId));
        if (now == null) {
            throw new NotFoundException();
        }
        return SessionDetail.of(now);
    }

    /** Who the admin filter let in: a servlet request attribute, which every JAX-RS runtime hands to resources. */
    static String actor(HttpServletRequest request) {
        Object actor = request.getAttribute(AdminTokenFilter.ACTOR);
        return actor == null ? "unknown" : actor.toString();
    }

    /** Runs a Redis call; a failure of Redis is a 503, never an empty success. */
    static <T> T redis(Supplier<T> call) {
        try {
            return call.get();
        } catch (JedisException e) {
            throw RedisUnavailableException.from(e);
        }
    }

    private static void valid(String sessionId) {
        if (!SessionIds.isValid(sessionId)) {
            throw new BadRequestException("invalid session id: " + SessionIds.RULE);
        }
    }

    private static int limit(String text) {
        try {
            int value = Integer.parseInt(text);
            if (value >= 1 && value <= MAX_LIMIT) {
                return value;
            }
        } catch (NumberFormatException e) {
            // below
        }
        throw new BadRequestException("limit must be a number from 1 to " + MAX_LIMIT);
    }
}
