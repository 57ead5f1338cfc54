package io.redischat.admin.control;

import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.UnifiedJedis;

import io.redischat.redis.control.LuaScript;
import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.SessionKeys;
import io.redischat.redis.control.StoreSettings;

/**
 * Deletes a session: its idempotency keys, then (atomically, in delete.lua) its history and meta, a tombstone in the
 * seen marker and a notice to every instance, whose {@link SessionNotices} close the session's sockets.
 */
@ApplicationScoped
public class SessionRemoval {

    private static final LuaScript DELETE = LuaScript.fromResource(SessionRemoval.class, "delete.lua");

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    RedisConnection redis;

    @Inject
    SessionNotices notices;

    /** Keys deleted; 0 when Redis held no history of the session (then nothing was done). */
    public long delete(String sessionId) {
        UnifiedJedis client = redis.client();
        SessionKeys keys = SessionKeys.of(settings.keyPrefix, sessionId);
        if (!client.exists(keys.meta()) && !client.exists(keys.history())) {
            return 0;
        }
        long removed = 0;
        List<String> idempotency = SessionKeysScan.idempotencyKeys(client, keys);
        for (int from = 0; from < idempotency.size(); from += 500) {
            removed += client.del(idempotency.subList(from, Math.min(idempotency.size(), from + 500))
                    .toArray(String[]::new));
        }
        Object deleted = DELETE.run(client, List.of(keys.history(), keys.meta(), keys.seen()),
                List.of(Long.toString(settings.markerTtlSeconds), notices.channel(), SessionNotices.deleted(sessionId)));
        return removed + ((Number) deleted).longValue();
    }
}
