package io.redischat.admin.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** {@code {"success":true,"session":{...}}}: one session's summary. */
@JsonbPropertyOrder({"success", "session"})
public record SessionDetail(boolean success, SessionSummary session) {

    public static SessionDetail of(SessionSummary session) {
        return new SessionDetail(true, session);
    }
}
