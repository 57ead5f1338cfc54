package io.redischat.sessions.control;

import io.redischat.sessions.entity.RecoveryOutcome;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.StreamPosition;

/** The recovery decision for a reconnecting client, as a pure function of what it saw and what the store holds. */
public final class Recovery {

    private Recovery() {
    }

    /**
     * @param resume         the client's last seq and the epoch it saw it in (epoch null: it does not know)
     * @param top            where the session's history ends now
     * @param firstAfterSeen the seq of the oldest retained message after {@code resume.since()}, or null if none
     */
    public static RecoveryOutcome decide(ResumePoint resume, StreamPosition top, Long firstAfterSeen) {
        if (top.epoch() == null) {
            return resume.since() == 0 ? RecoveryOutcome.RECOVERED : RecoveryOutcome.HISTORY_GONE;
        }
        if (resume.epoch() != null && !resume.epoch().equals(top.epoch())) {
            return resume.since() == 0 ? RecoveryOutcome.RECOVERED : RecoveryOutcome.EPOCH_CHANGED;
        }
        if (resume.since() > top.seq()) {
            return RecoveryOutcome.AHEAD_OF_SESSION;
        }
        if (resume.since() == top.seq()) {
            return RecoveryOutcome.RECOVERED;
        }
        return firstAfterSeen != null && firstAfterSeen == resume.since() + 1
                ? RecoveryOutcome.RECOVERED
                : RecoveryOutcome.TRIMMED;
    }
}
