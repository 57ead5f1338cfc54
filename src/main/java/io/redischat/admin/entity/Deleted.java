package io.redischat.admin.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/** The answer to a delete: {@code keys_deleted} Redis keys removed (history, meta, idempotency keys). */
@JsonbPropertyOrder({"success", "session_id", "deleted", "keys_deleted"})
public record Deleted(boolean success, @JsonbProperty("session_id") String sessionId, boolean deleted,
                      @JsonbProperty("keys_deleted") long keysDeleted) {
}
