package io.redischat.sessions.control;

import java.util.concurrent.atomic.AtomicLong;

/**
 * The heap all connections of an instance may fill together: frames waiting to be sent and messages waiting for the
 * store. Each connection has its own limits too; this one makes the sum bounded, whatever the number of clients.
 */
public final class MemoryBudget {

    public static final MemoryBudget UNLIMITED = new MemoryBudget(Long.MAX_VALUE, Long.MAX_VALUE);

    private final long sendLimit;
    private final long writeLimit;
    private final AtomicLong sending = new AtomicLong();
    private final AtomicLong writing = new AtomicLong();

    public MemoryBudget(long sendLimit, long writeLimit) {
        this.sendLimit = sendLimit;
        this.writeLimit = writeLimit;
    }

    boolean reserveSend(long bytes) {
        return reserve(sending, sendLimit, bytes);
    }

    /** Counts bytes sent beyond the budget, so that their release balances. */
    void overdrawSend(long bytes) {
        sending.addAndGet(bytes);
    }

    void releaseSend(long bytes) {
        sending.addAndGet(-bytes);
    }

    boolean reserveWrite(long bytes) {
        return reserve(writing, writeLimit, bytes);
    }

    void releaseWrite(long bytes) {
        writing.addAndGet(-bytes);
    }

    public long sendBytes() {
        return sending.get();
    }

    public long writeBytes() {
        return writing.get();
    }

    private static boolean reserve(AtomicLong used, long limit, long bytes) {
        if (used.addAndGet(bytes) > limit) {
            used.addAndGet(-bytes);
            return false;
        }
        return true;
    }
}
