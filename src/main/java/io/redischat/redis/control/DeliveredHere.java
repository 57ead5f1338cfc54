package io.redischat.redis.control;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * Exchanges this instance stored and already handed to its feed: the pub/sub copy of each comes back to this instance
 * too, and is then dropped without being parsed. The newest few thousand are kept; a copy that comes before its
 * exchange was noted, or after it was forgotten, is read as any other (a feed takes an exchange once however often
 * it comes).
 */
final class DeliveredHere {

    static final int REMEMBERED = 4096;

    private final Map<String, Boolean> keys = new LinkedHashMap<>(REMEMBERED * 2, 0.75f) {
        @Override
        protected boolean removeEldestEntry(Map.Entry<String, Boolean> eldest) {
            return size() > REMEMBERED;
        }
    };

    synchronized void note(String sessionId, String epoch, long replySeq) {
        keys.put(key(sessionId, epoch, replySeq), Boolean.TRUE);
    }

    /** Whether the exchange was noted (and forgets it: its one copy came). */
    synchronized boolean take(String sessionId, String epoch, long replySeq) {
        return keys.remove(key(sessionId, epoch, replySeq)) != null;
    }

    private static String key(String sessionId, String epoch, long replySeq) {
        return epoch + '/' + replySeq + '/' + sessionId;
    }

    /**
     * The epoch ({@code e}) and reply seq ({@code r}) of a payload without parsing it, or null when they are not
     * plainly there. Safe by JSON's rules: a quote inside a string value is escaped, so {@code "r":} and
     * {@code "e":"} occur only as keys.
     */
    static Noted scan(String payload) {
        int e = payload.indexOf("\"e\":\"");
        int r = payload.indexOf("\"r\":");
        if (e < 0 || r < 0) {
            return null;
        }
        int epochStart = e + 5;
        int epochEnd = payload.indexOf('"', epochStart);
        if (epochEnd < 0 || payload.lastIndexOf('\\', epochEnd) >= epochStart) {
            return null;
        }
        int digits = r + 4;
        long seq = 0;
        int at = digits;
        while (at < payload.length() && at - digits < 16) {
            char c = payload.charAt(at);
            if (c < '0' || c > '9') {
                break;
            }
            seq = seq * 10 + (c - '0');
            at++;
        }
        if (at == digits || at >= payload.length() || (payload.charAt(at) != ',' && payload.charAt(at) != '}')) {
            return null;
        }
        return new Noted(payload.substring(epochStart, epochEnd), seq);
    }

    record Noted(String epoch, long replySeq) {
    }
}
