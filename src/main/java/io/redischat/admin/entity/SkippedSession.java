package io.redischat.admin.entity;

import jakarta.json.bind.annotation.JsonbProperty;

/** A session of an import file that was left as Redis has it, and why. */
public record SkippedSession(@JsonbProperty("session_id") String sessionId, String reason) {
}
