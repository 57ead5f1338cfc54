package io.redischat.sessions.control;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The characters of recent message frames all session feeds of the instance keep, against one limit: each feed keeps
 * up to 256 messages for members that fall a little behind, and ten thousand live sessions would otherwise keep
 * gigabytes. Over the limit a feed keeps only what some member still needs; a member that falls behind then reads
 * the history instead.
 */
public final class RecentFramesBudget {

    static final RecentFramesBudget UNLIMITED = new RecentFramesBudget(Long.MAX_VALUE);

    private final long limit;
    private final AtomicLong used = new AtomicLong();

    public RecentFramesBudget(long limit) {
        this.limit = limit;
    }

    void add(long chars) {
        used.addAndGet(chars);
    }

    void release(long chars) {
        used.addAndGet(-chars);
    }

    boolean over() {
        return used.get() > limit;
    }

    public long used() {
        return used.get();
    }
}
