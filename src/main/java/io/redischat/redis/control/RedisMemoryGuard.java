package io.redischat.redis.control;

import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.sessions.control.DaemonThreadFactory;

/**
 * Watches how full Redis is ({@code INFO memory}: {@code used_memory} against {@code maxmemory}) and, above
 * {@code chat.redis.max-memory-use}, stops new persisted sessions from being created, so existing sessions keep
 * working instead of everyone meeting Redis' "OOM command not allowed". Without a {@code maxmemory} (or when the
 * ACL user may not run INFO) there is nothing to compare with, and it admits everything.
 */
@ApplicationScoped
public class RedisMemoryGuard {

    private static final Logger LOG = Logger.getLogger(RedisMemoryGuard.class.getName());
    private static final long CHECK_EVERY_MS = 5000;

    @Inject
    RedisConnection redis;

    @Inject
    @ConfigProperties
    StoreSettings settings;

    private ScheduledExecutorService timer;
    private volatile String refusal;

    @PostConstruct
    void start() {
        timer = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("redis-chat-memory-guard"));
        timer.scheduleWithFixedDelay(this::check, 0, CHECK_EVERY_MS, TimeUnit.MILLISECONDS);
    }

    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        // creating the bean is the point: the guard checks from the start
    }

    @PreDestroy
    void stop() {
        timer.shutdownNow();
    }

    /** Why no new session may be created now, or null. */
    public String refusal() {
        return refusal;
    }

    void check() {
        try {
            refusal = judge(redis.client().info("memory"), settings.maxMemoryUse);
        } catch (RuntimeException e) {
            // Redis down or INFO denied: writes fail or succeed on their own; nothing to guard with
            refusal = null;
        }
    }

    /** The refusal for this {@code INFO memory} text at this threshold (a fraction of maxmemory), or null. */
    static String judge(String info, double threshold) {
        long used = field(info, "used_memory");
        long max = field(info, "maxmemory");
        if (used < 0 || max <= 0 || used < threshold * max) {
            return null;
        }
        String why = "Redis is " + Math.round(100.0 * used / max) + "% full: no new sessions for now";
        LOG.fine(why);
        return why;
    }

    private static long field(String info, String name) {
        for (String line : info.split("\r?\n")) {
            if (line.startsWith(name + ":")) {
                try {
                    return Long.parseLong(line.substring(name.length() + 1).trim());
                } catch (NumberFormatException e) {
                    return -1;
                }
            }
        }
        return -1;
    }
}
