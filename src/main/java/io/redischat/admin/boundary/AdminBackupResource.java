package io.redischat.admin.boundary;

import java.io.BufferedWriter;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.io.OutputStreamWriter;
import java.io.Writer;
import java.nio.charset.StandardCharsets;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.ws.rs.core.Context;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import jakarta.ws.rs.core.StreamingOutput;

import io.redischat.admin.control.AuditLog;
import io.redischat.admin.control.SessionDirectory;
import io.redischat.admin.control.SessionExport;
import io.redischat.admin.control.SessionImport;
import io.redischat.admin.entity.ImportReport;
import io.redischat.api.boundary.BadRequestException;
import io.redischat.sessions.control.SessionIds;

/**
 * {@code GET /chat/api/admin/export[?session=ID]} streams sessions as NDJSON (see {@link SessionExport});
 * {@code POST /chat/api/admin/import} restores such a file (see {@link SessionImport}): 200 with the report, or 400
 * with it when a line was malformed (what came before it is kept).
 */
@ApplicationScoped
@AdminOnly
@Path("admin")
public class AdminBackupResource {

    static final String NDJSON = "application/x-ndjson";

    @Inject
    SessionExport export;

    @Inject
    SessionImport restore;

    @Inject
    SessionDirectory directory;

    @Inject
    AuditLog audit;

    @GET
    @Path("export")
    @Produces({NDJSON, MediaType.APPLICATION_JSON})
    public Response export(@QueryParam("session") String sessionId, @Context HttpServletRequest request) {
        String actor = AdminSessionsResource.actor(request);
        if (sessionId != null) {
            if (!SessionIds.isValid(sessionId)) {
                throw new BadRequestException("invalid session id: " + SessionIds.RULE);
            }
            if (AdminSessionsResource.redis(() -> directory.one(sessionId)) == null) {
                audit.record(actor, "export", sessionId, "not found");
                throw new NotFoundException();
            }
        }
        StreamingOutput body = out -> {
            Writer writer = new BufferedWriter(new OutputStreamWriter(out, StandardCharsets.UTF_8), 1 << 16);
            long sessions = sessionId == null ? export.all(writer) : export.one(sessionId, writer) ? 1 : 0;
            export.end(writer, sessions);
            writer.flush();
            audit.record(actor, "export", sessionId, sessions + " sessions");
        };
        return Response.ok(body, NDJSON).build();
    }

    @POST
    @Path("import")
    @Consumes(MediaType.WILDCARD)
    @Produces(MediaType.APPLICATION_JSON)
    public Response restore(InputStream body, @Context HttpServletRequest request) {
        var reader = new InputStreamReader(body, StandardCharsets.UTF_8);
        ImportReport report = AdminSessionsResource.redis(() -> restore.run(reader));
        if (!report.success()) {
            skipTheRest(body);
        }
        audit.record(AdminSessionsResource.actor(request), "import", null, report.success()
                ? report.restored().size() + " restored, " + report.unchanged().size() + " unchanged, "
                + report.skipped().size() + " skipped, " + report.messagesImported() + " messages"
                : report.error());
        return Response.status(report.success() ? 200 : 400).type(MediaType.APPLICATION_JSON_TYPE).entity(report)
                .build();
    }

    /**
     * Reads what the client still sends after the line that stopped the import, and drops it: a client that sends
     * its whole body before it reads the answer (the JDK's, curl without Expect) would otherwise wait for us forever.
     */
    private static void skipTheRest(InputStream body) {
        try {
            body.transferTo(java.io.OutputStream.nullOutputStream());
        } catch (java.io.IOException gone) {
            // the client stopped sending: nothing left to skip
        }
    }
}
