package io.redischat.admin.control;

import java.util.logging.Logger;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.ops.control.LogText;

/** One log line and one count per admin action: who (the token's id), what, which session, with what result. */
@ApplicationScoped
public class AuditLog {

    private static final Logger LOG = Logger.getLogger(AuditLog.class.getName());

    @Inject
    ChatMetrics metrics;

    public void record(String actor, String action, String sessionId, String result) {
        metrics.adminAction(action);
        LOG.info(() -> "admin audit actor=" + actor + " action=" + action
                + " session=" + (sessionId == null ? "-" : LogText.of(sessionId)) + " result=" + LogText.of(result));
    }
}
