package io.redischat.admin.entity;

import jakarta.json.bind.annotation.JsonbProperty;
import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * One session as the admin API shows it: {@code messages} entries in its history (a message and its reply are two),
 * {@code last_seq}, {@code epoch}, {@code ttl_remaining} seconds (null: no expiry), {@code last_activity} (epoch ms of
 * the newest entry, null without entries) and {@code connections}, open sockets on all live instances.
 */
@JsonbPropertyOrder({"session_id", "messages", "last_seq", "epoch", "ttl_remaining", "last_activity", "connections"})
public record SessionSummary(@JsonbProperty("session_id") String sessionId,
                             long messages,
                             @JsonbProperty("last_seq") long lastSeq,
                             String epoch,
                             @JsonbProperty("ttl_remaining") Long ttlRemaining,
                             @JsonbProperty("last_activity") Long lastActivity,
                             long connections) {

    public SessionSummary withConnections(long open) {
        return new SessionSummary(sessionId, messages, lastSeq, epoch, ttlRemaining, lastActivity, open);
    }
}
