package io.redischat.admin.entity;

import java.util.List;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * A page of sessions; {@code next_cursor} is absent (null) on the last page, else pass it as {@code cursor}.
 * {@code instances} is how many app instances publish their connection counts right now (the ops console shows it).
 */
@JsonbPropertyOrder({"success", "sessions", "count", "next_cursor", "instances"})
public record SessionPage(boolean success, List<SessionSummary> sessions, int count,
                          @JsonbProperty("next_cursor") String nextCursor, int instances) {

    public static SessionPage of(List<SessionSummary> sessions, String nextCursor, int instances) {
        return new SessionPage(true, sessions, sessions.size(), nextCursor, instances);
    }
}
