package io.redischat.security.entity;

import java.security.Principal;
import java.time.Instant;
import java.util.List;

/**
 * The holder of a verified token: its subject ({@code sub}), the sessions it may use ({@code chat_sessions}: exact
 * ids, or prefixes ending in {@code *}; null = every session), when it stops being valid, and its MicroProfile JWT
 * {@code groups} (empty without).
 */
public record Caller(String subject, List<String> sessions, Instant validUntil, List<String> groups)
        implements Principal {

    public Caller {
        sessions = sessions == null ? null : List.copyOf(sessions);
        groups = groups == null ? List.of() : List.copyOf(groups);
    }

    public Caller(String subject, List<String> sessions, Instant validUntil) {
        this(subject, sessions, validUntil, List.of());
    }

    public boolean inGroup(String group) {
        return groups.contains(group);
    }

    @Override
    public String getName() {
        return subject;
    }

    public boolean allows(String sessionId) {
        if (sessions == null) {
            return true;
        }
        for (String grant : sessions) {
            if (grant.endsWith("*") ? sessionId.startsWith(grant.substring(0, grant.length() - 1))
                    : grant.equals(sessionId)) {
                return true;
            }
        }
        return false;
    }

    public boolean expiredAt(Instant now) {
        return !now.isBefore(validUntil);
    }
}
