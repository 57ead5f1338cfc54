package io.redischat.admin.control;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.params.ScanParams;
import redis.clients.jedis.resps.ScanResult;
import redis.clients.jedis.resps.StreamEntry;

import io.redischat.admin.entity.SessionPage;
import io.redischat.admin.entity.SessionSummary;
import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.SessionKeys;
import io.redischat.redis.control.StoreSettings;

/**
 * The sessions Redis holds (those with a meta hash), found with SCAN on every master, never KEYS: a page walks on
 * from the cursor until it has at least {@code limit} sessions or every master is done. SCAN returns a key present
 * the whole time at least once; a page may hold a few more than {@code limit} (SCAN's steps are not split).
 */
@ApplicationScoped
public class SessionDirectory {

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    RedisConnection redis;

    @Inject
    InstanceConnections connections;

    public SessionPage page(String cursorText, int limit) {
        ScanCursor cursor = ScanCursor.parse(cursorText);
        UnifiedJedis client = redis.client();
        List<String> masters = RedisMasters.of(client);
        int at = cursor.master() == null ? 0 : masters.indexOf(cursor.master());
        if (at < 0) {
            throw new IllegalArgumentException("the cursor names a Redis node that is gone: start over");
        }
        String scanCursor = cursor.cursor();
        Set<String> ids = new LinkedHashSet<>();
        ScanParams params = metaKeys(Math.max(10, limit));
        ScanCursor next = null;
        while (at < masters.size()) {
            ScanResult<String> step = RedisMasters.scan(client, masters.get(at), scanCursor, params, "hash");
            for (String key : step.getResult()) {
                String id = sessionIdOf(key);
                if (id != null) {
                    ids.add(id);
                }
            }
            scanCursor = step.getCursor();
            if ("0".equals(scanCursor)) {
                at++;
            }
            if (at >= masters.size()) {
                break;
            }
            if (ids.size() >= limit) {
                next = new ScanCursor(masters.get(at), scanCursor);
                break;
            }
        }
        return SessionPage.of(summaries(new ArrayList<>(ids)), next == null ? null : next.text(),
                connections.instances().size());
    }

    /** One session, or null when Redis holds no history of it. */
    public SessionSummary one(String sessionId) {
        List<SessionSummary> found = summaries(List.of(sessionId));
        return found.isEmpty() ? null : found.get(0);
    }

    /** The sessions' summaries with their connection counts; sessions gone meanwhile are left out. */
    List<SessionSummary> summaries(List<String> sessionIds) {
        UnifiedJedis client = redis.client();
        var found = new ArrayList<SessionSummary>();
        for (String id : sessionIds) {
            SessionSummary summary = summary(client, id);
            if (summary != null) {
                found.add(summary);
            }
        }
        Map<String, Long> open = connections.of(found.stream().map(SessionSummary::sessionId).toList());
        return found.stream().map(s -> s.withConnections(open.getOrDefault(s.sessionId(), 0L))).toList();
    }

    private SessionSummary summary(UnifiedJedis client, String sessionId) {
        SessionKeys keys = SessionKeys.of(settings.keyPrefix, sessionId);
        List<String> meta = client.hmget(keys.meta(), "epoch", "seq");
        if (meta.get(0) == null) {
            return null;
        }
        long length = client.xlen(keys.history());
        long pttl = client.pttl(keys.history());
        if (length == 0) {
            pttl = client.pttl(keys.meta());
        }
        List<StreamEntry> newest = client.xrevrange(keys.history(), "+", "-", 1);
        Long lastActivity = newest.isEmpty() ? null : Long.valueOf(newest.get(0).getFields().get("t"));
        return new SessionSummary(sessionId, length, meta.get(1) == null ? 0 : Long.parseLong(meta.get(1)),
                meta.get(0), pttl >= 0 ? (pttl + 999) / 1000 : null, lastActivity, 0);
    }

    /** SCAN parameters that match the meta hashes of sessions. */
    ScanParams metaKeys(int count) {
        return new ScanParams().match(settings.keyPrefix + ":{*}:meta").count(count);
    }

    /** The session id of a meta key ({@code chat:{id}:meta}), or null for another key. */
    String sessionIdOf(String key) {
        String head = settings.keyPrefix + ":{";
        String tail = "}:meta";
        if (!key.startsWith(head) || !key.endsWith(tail) || key.length() <= head.length() + tail.length()) {
            return null;
        }
        return key.substring(head.length(), key.length() - tail.length());
    }

    /** Walks every session id, master by master (for the export). */
    public void forEachSession(java.util.function.Consumer<String> action) {
        UnifiedJedis client = redis.client();
        ScanParams params = metaKeys(100);
        for (String master : RedisMasters.of(client)) {
            String cursor = "0";
            do {
                ScanResult<String> step = RedisMasters.scan(client, master, cursor, params, "hash");
                for (String key : step.getResult()) {
                    String id = sessionIdOf(key);
                    if (id != null) {
                        action.accept(id);
                    }
                }
                cursor = step.getCursor();
            } while (!"0".equals(cursor));
        }
    }
}
