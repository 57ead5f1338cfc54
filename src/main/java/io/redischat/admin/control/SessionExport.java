package io.redischat.admin.control;

import java.io.IOException;
import java.io.StringWriter;
import java.io.UncheckedIOException;
import java.io.Writer;
import java.util.List;
import java.util.Map;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.spi.JsonProvider;
import jakarta.json.stream.JsonGenerator;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;

import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.RedisSettings;
import io.redischat.redis.control.SessionKeys;
import io.redischat.redis.control.StoreSettings;

/**
 * Writes sessions as NDJSON, one line at a time, reading each history in pages of {@link #PAGE} entries: memory
 * stays the same whatever the size. Per session, first its counters, then its entries oldest first up to the seq the
 * counters had:
 * <pre>
 * {"type":"session","session_id":"a","epoch":"6f1c2a9b","n":2,"seq":4,"ttl_seconds":287}
 * {"type":"message","session_id":"a","epoch":"6f1c2a9b","seq":1,"n":1,"content":"hi","timestamp":1795870896901,
 *  "isSent":true,"from":"c1","clientId":"m1","author":"s..."}
 * </pre>
 * ({@code clientId} and {@code author} only when the message had a clientId; {@code from} only when known.) The last
 * line, {@code {"type":"end","sessions":N}}, says the export is complete.
 */
@ApplicationScoped
public class SessionExport {

    static final int PAGE = 200;
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    @ConfigProperties
    RedisSettings redisSettings;

    @Inject
    RedisConnection redis;

    @Inject
    SessionDirectory directory;

    /** All sessions, master by master. Returns the number of sessions written. */
    public long all(Writer out) {
        long[] sessions = {0};
        directory.forEachSession(id -> {
            if (one(id, out)) {
                sessions[0]++;
            }
        });
        return sessions[0];
    }

    /** One session; false when Redis holds no history of it (nothing written). */
    public boolean one(String sessionId, Writer out) {
        UnifiedJedis client = redis.client();
        SessionKeys keys = SessionKeys.of(settings.keyPrefix, sessionId);
        List<String> meta = client.hmget(keys.meta(), "epoch", "n", "seq");
        String epoch = meta.get(0);
        if (epoch == null) {
            return false;
        }
        long n = meta.get(1) == null ? 0 : Long.parseLong(meta.get(1));
        long seq = meta.get(2) == null ? 0 : Long.parseLong(meta.get(2));
        long pttl = client.pttl(keys.meta());
        long ttl = pttl > 0 ? (pttl + 999) / 1000 : redisSettings.sessionTtlSeconds;
        line(out, json -> json.write("type", "session").write("session_id", sessionId).write("epoch", epoch)
                .write("n", n).write("seq", seq).write("ttl_seconds", ttl));
        String from = "-";
        while (true) {
            List<StreamEntry> page = client.xrange(keys.history(), from, "+", PAGE);
            for (StreamEntry entry : page) {
                long entrySeq = entry.getID().getTime();
                if (entrySeq > seq) {
                    return true;
                }
                message(out, sessionId, epoch, entrySeq, entry.getFields());
            }
            if (page.size() < PAGE) {
                return true;
            }
            from = "(" + page.get(page.size() - 1).getID();
        }
    }

    /** The last line, written only when the export completed: a file without it was cut short. */
    public void end(Writer out, long sessions) {
        line(out, json -> json.write("type", "end").write("sessions", sessions));
    }

    private static void message(Writer out, String sessionId, String epoch, long seq, Map<String, String> fields) {
        line(out, json -> {
            json.write("type", "message").write("session_id", sessionId).write("epoch", epoch).write("seq", seq)
                    .write("n", Long.parseLong(fields.getOrDefault("n", "0"))).write("content", fields.get("c"))
                    .write("timestamp", Long.parseLong(fields.get("t"))).write("isSent", "1".equals(fields.get("s")));
            String from = fields.get("f");
            if (from != null && !from.isEmpty()) {
                json.write("from", from);
            }
            String clientId = fields.get("cid");
            if (clientId != null && !clientId.isEmpty()) {
                json.write("clientId", clientId).write("author", fields.getOrDefault("k", ""));
            }
        });
    }

    private static void line(Writer out, java.util.function.Consumer<JsonGenerator> fields) {
        var text = new StringWriter();
        try (JsonGenerator json = JSON.createGenerator(text)) {
            json.writeStartObject();
            fields.accept(json);
            json.writeEnd();
        }
        try {
            out.write(text.toString());
            out.write('\n');
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
    }
}
