package io.redischat.sessions.entity;

import jakarta.json.bind.annotation.JsonbPropertyOrder;

/**
 * Tells clients of a persisted session about the live feed itself: {@code interrupted} (Redis pub/sub dropped;
 * messages may be late), {@code resumed} (back, and every missed message was delivered: {@code recovered:true}),
 * {@code reset} (the history started over under a new epoch) or {@code gap} (messages were trimmed before they
 * could be delivered); with {@code recovered:false} a client should refetch the history.
 */
@JsonbPropertyOrder({"type", "sessionId", "state", "recovered", "epoch", "lastSeq"})
public record SyncFrame(String type, String sessionId, String state, boolean recovered, String epoch, long lastSeq) {

    public static SyncFrame of(String sessionId, String state, boolean recovered, String epoch, long lastSeq) {
        return new SyncFrame("sync", sessionId, state, recovered, epoch, lastSeq);
    }
}
