package io.redischat.admin.control;

import java.io.IOException;
import java.io.Reader;
import java.io.StringReader;
import java.io.UncheckedIOException;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;
import jakarta.json.JsonException;
import jakarta.json.JsonObject;
import jakarta.json.spi.JsonProvider;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.admin.entity.ImportReport;
import io.redischat.admin.entity.SkippedSession;
import io.redischat.redis.control.LuaScript;
import io.redischat.redis.control.RedisConnection;
import io.redischat.redis.control.SessionKeys;
import io.redischat.redis.control.StoreSettings;

/**
 * Reads an export ({@link SessionExport}) line by line and restores it in batches of at most {@link #BATCH} entries,
 * each one atomic run of import.lua (which never overwrites: see there). A malformed line stops the import: what came
 * before it is written, and the report names the line.
 */
@ApplicationScoped
public class SessionImport {

    static final int BATCH = 200;
    static final long BATCH_BYTES = 1 << 20;
    private static final LuaScript IMPORT = LuaScript.fromResource(SessionImport.class, "import.lua");
    private static final JsonProvider JSON = JsonProvider.provider();

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    @ConfigProperties
    io.redischat.redis.control.RedisSettings redisSettings;

    @Inject
    RedisConnection redis;

    @Inject
    @ConfigProperties
    io.redischat.sessions.control.ChatLimits limits;

    /** A line that is not what an export holds: its number and why. */
    static final class MalformedLine extends Exception {
        MalformedLine(String why) {
            super(why);
        }
    }

    /** The session being read: its counters from its header line, and the entries not yet written. */
    private static final class Current {
        final String sessionId;
        final String epoch;
        final long n;
        final long seq;
        final long ttl;
        final List<String> pending = new ArrayList<>();
        long pendingBytes;
        long lastSeq;
        boolean wrote;
        boolean skipped;

        Current(String sessionId, String epoch, long n, long seq, long ttl) {
            this.sessionId = sessionId;
            this.epoch = epoch;
            this.n = n;
            this.seq = seq;
            this.ttl = ttl;
        }
    }

    private final class Run {
        final Set<String> restored = new LinkedHashSet<>();
        final Set<String> unchanged = new LinkedHashSet<>();
        final List<SkippedSession> skipped = new ArrayList<>();
        long messages;
        long lines;
        Current current;

        void header(JsonObject line) throws MalformedLine {
            finish();
            String id = sessionIdOf(line);
            current = new Current(id, text(line, "epoch"), number(line, "n"), number(line, "seq"),
                    line.containsKey("ttl_seconds") ? number(line, "ttl_seconds") : redisSettings.sessionTtlSeconds);
            if (current.ttl < 1) {
                throw new MalformedLine("ttl_seconds must be at least 1");
            }
        }

        void message(JsonObject line) throws MalformedLine {
            if (current == null) {
                throw new MalformedLine("a message before its session line");
            }
            if (!current.sessionId.equals(sessionIdOf(line)) || !current.epoch.equals(text(line, "epoch"))) {
                throw new MalformedLine("a message of another session or epoch than the session line before it");
            }
            long seq = number(line, "seq");
            if (seq < 1 || seq <= current.lastSeq || seq > current.seq) {
                throw new MalformedLine("seq must grow and stay within the session's seq");
            }
            String content = text(line, "content");
            long timestamp = number(line, "timestamp");
            if (!line.containsKey("isSent") || !(line.get("isSent") == jakarta.json.JsonValue.TRUE
                    || line.get("isSent") == jakarta.json.JsonValue.FALSE)) {
                throw new MalformedLine("isSent must be true or false");
            }
            long n = number(line, "n");
            String clientId = optional(line, "clientId");
            current.lastSeq = seq;
            if (current.skipped) {
                return;
            }
            current.pending.addAll(List.of(Long.toString(seq), content, Long.toString(timestamp),
                    line.getBoolean("isSent") ? "1" : "0", Long.toString(n), optional(line, "from"), clientId,
                    clientId.isEmpty() ? "" : optional(line, "author")));
            current.pendingBytes += content.length();
            if (current.pending.size() >= BATCH * 8 || current.pendingBytes >= BATCH_BYTES) {
                write(false);
            }
        }

        /** Writes what is pending of the current session; {@code last}: its counters become the file's. */
        void write(boolean last) {
            Current session = current;
            if (session == null || session.skipped) {
                return;
            }
            SessionKeys keys = SessionKeys.of(settings.keyPrefix, session.sessionId);
            var args = new ArrayList<String>(7 + session.pending.size());
            args.addAll(List.of(session.epoch, Long.toString(session.n), Long.toString(session.seq),
                    Long.toString(session.ttl), Long.toString(settings.markerTtlSeconds),
                    Long.toString(System.currentTimeMillis()), last ? "1" : "0"));
            args.addAll(session.pending);
            List<?> reply = (List<?>) IMPORT.run(redis.client(), List.of(keys.history(), keys.meta(), keys.seen()),
                    args);
            session.pending.clear();
            session.pendingBytes = 0;
            String outcome = String.valueOf(reply.get(0));
            if ("skipped".equals(outcome)) {
                session.skipped = true;
                skipped.add(new SkippedSession(session.sessionId, String.valueOf(reply.get(1))));
            } else if ("written".equals(outcome)) {
                session.wrote = true;
                messages += ((Number) reply.get(1)).longValue();
            }
        }

        /** The current session is complete: its last batch, and its place in the report. */
        void finish() {
            Current session = current;
            if (session == null) {
                return;
            }
            write(true);
            if (!session.skipped) {
                (session.wrote ? restored : unchanged).add(session.sessionId);
            }
            current = null;
        }

        /** Keeps what was valid before a malformed line: the batch read so far, without the counters' final say. */
        void keepSoFar() {
            Current session = current;
            if (session != null && !session.pending.isEmpty()) {
                write(false);
            }
            if (session != null && session.wrote) {
                restored.add(session.sessionId);
            }
        }

        ImportReport report(String error, Long line) {
            return new ImportReport(error == null, error, line, lines, messages, List.copyOf(restored),
                    List.copyOf(unchanged.stream().filter(id -> !restored.contains(id)).toList()), List.copyOf(skipped));
        }
    }

    public ImportReport run(Reader in) {
        var run = new Run();
        var lines = new BoundedLines(in, maxLineChars());
        long number = 0;
        try {
            while (true) {
                number++;
                try {
                    String text = lines.next();
                    if (text == null) {
                        break;
                    }
                    run.lines = number;
                    if (text.isBlank()) {
                        continue;
                    }
                    JsonObject line = parse(text);
                    switch (line.containsKey("type") && line.get("type") instanceof jakarta.json.JsonString type
                            ? type.getString() : "") {
                        case "session" -> run.header(line);
                        case "message" -> run.message(line);
                        case "end" -> run.finish();
                        default -> throw new MalformedLine("type must be \"session\", \"message\" or \"end\"");
                    }
                } catch (MalformedLine | BoundedLines.TooLong e) {
                    run.lines = number;
                    run.keepSoFar();
                    return run.report("line " + number + ": " + e.getMessage(), number);
                }
            }
        } catch (IOException e) {
            run.keepSoFar();
            throw new UncheckedIOException(e);
        }
        run.finish();
        return run.report(null, null);
    }

    /**
     * The longest line an export of this instance can hold: a message of the largest size with its reply's prefix,
     * every character escaped in JSON's six-character form, and the line's other fields.
     */
    int maxLineChars() {
        return 6 * (limits.maxMessageBytes + 64) + 4096;
    }

    private static JsonObject parse(String text) throws MalformedLine {
        try (var reader = JSON.createReader(new StringReader(text))) {
            return reader.readObject();
        } catch (JsonException | IllegalStateException e) {
            throw new MalformedLine("not a JSON object");
        }
    }

    private static String sessionIdOf(JsonObject line) throws MalformedLine {
        String id = text(line, "session_id");
        if (!io.redischat.sessions.control.SessionIds.isValid(id)) {
            throw new MalformedLine("invalid session_id: " + io.redischat.sessions.control.SessionIds.RULE);
        }
        return id;
    }

    private static String text(JsonObject line, String name) throws MalformedLine {
        if (!(line.get(name) instanceof jakarta.json.JsonString value)) {
            throw new MalformedLine(name + " must be a string");
        }
        return value.getString();
    }

    private static String optional(JsonObject line, String name) throws MalformedLine {
        return line.containsKey(name) ? text(line, name) : "";
    }

    private static long number(JsonObject line, String name) throws MalformedLine {
        if (!(line.get(name) instanceof jakarta.json.JsonNumber value) || !value.isIntegral()) {
            throw new MalformedLine(name + " must be a whole number");
        }
        try {
            long result = value.longValueExact();
            if (result < 0) {
                throw new MalformedLine(name + " must not be negative");
            }
            return result;
        } catch (ArithmeticException e) {
            throw new MalformedLine(name + " is out of range");
        }
    }
}
