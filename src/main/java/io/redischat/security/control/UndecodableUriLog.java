package io.redischat.security.control;

import java.util.HashMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.logging.Filter;
import java.util.logging.Handler;
import java.util.logging.Level;
import java.util.logging.LogRecord;
import java.util.logging.Logger;

import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;

/**
 * A request whose URI has a {@code %} that is no escape ({@code /chat/api/sessions/%/messages/}) fails in Payara's
 * connector before any application code runs, and the connector logs it as SEVERE with a 30-line stack trace: a
 * client could flood the log with a few bytes per request. This filter on the connector's logger turns such records
 * into one short warning, at most one a second (with how many were left out), and leaves every other record alone.
 * It sits on the root logger's handlers, as the connector's logger name is the container's business.
 * The answer itself stays the container's; the proxy in front refuses such URIs (see the README).
 */
@ApplicationScoped
public class UndecodableUriLog {

    static final long QUIET_NANOS = 1_000_000_000L;
    /** The message of a record this filter left out, so the next handler leaves it out too without counting. */
    private static final String LEFT_OUT = "redis-chat: undecodable URI, left out";

    private final AtomicLong lastLogged = new AtomicLong(System.nanoTime() - QUIET_NANOS);
    private final AtomicLong leftOut = new AtomicLong();
    private final Map<Handler, Filter> previous = new HashMap<>();

    /**
     * On the root logger's handlers, since the connector's logger name is the container's business: every record
     * reaches them.
     */
    synchronized void install(@Observes @Initialized(ApplicationScoped.class) Object application) {
        for (Handler handler : Logger.getLogger("").getHandlers()) {
            Filter before = handler.getFilter();
            previous.put(handler, before);
            handler.setFilter(record -> shorten(record) && (before == null || before.isLoggable(record)));
        }
    }

    @PreDestroy
    synchronized void uninstall() {
        previous.forEach(Handler::setFilter);
        previous.clear();
    }

    /** @return false to leave the record out; it may have been rewritten into one short line */
    boolean shorten(LogRecord record) {
        if (LEFT_OUT.equals(record.getMessage())) {
            return false;
        }
        if (!undecodableUri(record.getThrown())) {
            return true;
        }
        long now = System.nanoTime();
        long last = lastLogged.get();
        record.setThrown(null);
        record.setParameters(null);
        if (now - last < QUIET_NANOS || !lastLogged.compareAndSet(last, now)) {
            leftOut.incrementAndGet();
            record.setMessage(LEFT_OUT);
            return false;
        }
        long more = leftOut.getAndSet(0);
        record.setLevel(Level.WARNING);
        record.setMessage("request refused by the container: its URI has a '%' that is no escape"
                + (more > 0 ? " (" + more + " more since the last such line)" : ""));
        return true;
    }

    static boolean undecodableUri(Throwable thrown) {
        if (!(thrown instanceof IllegalArgumentException) || thrown.getStackTrace().length == 0) {
            return false;
        }
        String origin = thrown.getStackTrace()[0].getClassName();
        return origin.endsWith(".URLDecoder") || String.valueOf(thrown.getMessage()).startsWith("URLDecoder:");
    }
}
