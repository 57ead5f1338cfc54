package io.redischat.admin.control;

import java.util.ArrayList;
import java.util.List;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.UnifiedJedis;

import io.redischat.redis.control.LuaScript;
import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.SessionKeys;
import io.redischat.redis.control.StoreSettings;

/** Sets the TTL of all of a session's keys at once (ttl.lua); the seen marker is only ever extended. */
@ApplicationScoped
public class SessionTtl {

    private static final LuaScript TTL = LuaScript.fromResource(SessionTtl.class, "ttl.lua");

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    RedisConnection redis;

    /** False when Redis holds no history of the session (nothing changed). */
    public boolean set(String sessionId, long seconds) {
        UnifiedJedis client = redis.client();
        SessionKeys keys = SessionKeys.of(settings.keyPrefix, sessionId);
        var all = new ArrayList<>(List.of(keys.history(), keys.meta(), keys.seen()));
        all.addAll(SessionKeysScan.idempotencyKeys(client, keys));
        return ((Number) TTL.run(client, all, List.of(Long.toString(seconds)))).longValue() == 1;
    }
}
