package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import io.redischat.sessions.entity.RecoveryOutcome;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.StreamPosition;

class RecoveryTest {

    @ParameterizedTest(name = "since {0} in {1}, session at {3} in {2}, first retained after since {4}: {5}")
    @CsvSource(nullValues = "-", value = {
            // since, client epoch, session epoch, session last seq, first retained seq after since, outcome
            "0, -,  -,  0, -,  RECOVERED",          // nothing seen, nothing there
            "4, e1, -,  0, -,  HISTORY_GONE",       // expired or lost after the client saw 4
            "0, e1, -,  0, -,  RECOVERED",          // saw nothing of a history that is gone
            "4, e1, e1, 4, -,  RECOVERED",          // missed nothing
            "4, e1, e1, 8, 5,  RECOVERED",          // missed 5..8, all still there
            "4, -,  e1, 8, 5,  RECOVERED",          // an old client without the epoch
            "4, e1, e1, 8, 7,  TRIMMED",            // 5 and 6 trimmed away
            "4, e1, e1, 8, -,  TRIMMED",            // everything after 4 trimmed
            "9, e1, e1, 8, -,  AHEAD_OF_SESSION",   // claims a seq never reached
            "4, e1, e2, 8, 1,  EPOCH_CHANGED",      // history replaced (Redis restarted, expired and rewritten)
            "0, e1, e2, 2, 1,  RECOVERED",          // saw nothing of e1: everything of e2 is new to it
            "4, e1, e2, 4, 1,  EPOCH_CHANGED",      // same seq, another history
    })
    void decidesWhetherEverythingMissedCanBeReplayed(long since, String clientEpoch, String sessionEpoch,
                                                    long lastSeq, Long firstAfterSince, RecoveryOutcome expected) {
        assertEquals(expected, Recovery.decide(new ResumePoint(since, clientEpoch),
                new StreamPosition(sessionEpoch, lastSeq), firstAfterSince));
    }
}
