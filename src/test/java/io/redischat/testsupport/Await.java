package io.redischat.testsupport;

import java.time.Duration;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

/**
 * Polls until a condition holds or an attempt yields a value; a condition or attempt that throws a runtime exception
 * counts as "not yet" (an {@link Error}, such as a failed assertion, ends the wait at once).
 */
public final class Await {

    private static final Duration INTERVAL = Duration.ofMillis(50);

    private Await() {
    }

    public static void until(BooleanSupplier condition, Duration timeout, String what) {
        until(condition, timeout, INTERVAL, what);
    }

    /** Like {@link #until(BooleanSupplier, Duration, String)}, pausing {@code interval} between tries. */
    public static void until(BooleanSupplier condition, Duration timeout, Duration interval, String what) {
        value(() -> condition.getAsBoolean() ? Boolean.TRUE : null, timeout, interval, what);
    }

    /** The first non-null value {@code attempt} returns. */
    public static <T> T value(Supplier<T> attempt, Duration timeout, String what) {
        return value(attempt, timeout, INTERVAL, what);
    }

    /** The first non-null value {@code attempt} returns, pausing {@code interval} after each null. */
    public static <T> T value(Supplier<T> attempt, Duration timeout, Duration interval, String what) {
        long deadline = System.nanoTime() + timeout.toNanos();
        RuntimeException last = null;
        do {
            try {
                T value = attempt.get();
                if (value != null) {
                    return value;
                }
            } catch (RuntimeException notYet) {
                last = notYet;
            }
            sleep(interval, what);
        } while (System.nanoTime() < deadline);
        throw new IllegalStateException("timed out after " + timeout + " waiting for: " + what, last);
    }

    /**
     * A deliberate pause that waits for nothing in particular: pacing a sender, or leaving a fault in place for a
     * while. Waiting for a condition is {@link #until}'s job.
     */
    public static void pause(long millis) {
        sleep(Duration.ofMillis(millis), "a pause of " + millis + " ms");
    }

    private static void sleep(Duration interval, String what) {
        try {
            Thread.sleep(interval.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted waiting for: " + what, e);
        }
    }
}
