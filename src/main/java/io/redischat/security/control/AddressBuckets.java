package io.redischat.security.control;

import java.util.concurrent.ConcurrentHashMap;

/**
 * A token bucket per client address: {@code capacity} tokens, refilled at {@code perSecond}. Buckets that are full
 * again are forgotten once many addresses are held, so the map keeps only the addresses that were active lately.
 */
public final class AddressBuckets {

    private static final int FORGET_ABOVE = 10_000;

    private final double capacity;
    private final double perSecond;
    private final ConcurrentHashMap<String, Bucket> buckets = new ConcurrentHashMap<>();

    /** Written under the map's lock for its address; read without it by {@link #available}. */
    private static final class Bucket {
        volatile double tokens;
        volatile long refilledNanos;
    }

    public AddressBuckets(double capacity, double perSecond) {
        this.capacity = capacity;
        this.perSecond = perSecond;
    }

    /** Takes a token if there is one; false when the address used up its share for now. */
    public boolean tryTake(String address) {
        if (buckets.size() > FORGET_ABOVE) {
            forgetFull();
        }
        long now = System.nanoTime();
        boolean[] taken = new boolean[1];
        buckets.compute(address, (key, bucket) -> {
            Bucket current = refilled(bucket, now);
            taken[0] = current.tokens >= 1;
            if (taken[0]) {
                current.tokens -= 1;
            }
            return current;
        });
        return taken[0];
    }

    /**
     * Whether a token is there, without taking it. Asked on every message, so it only reads (no lock on the
     * address, which behind an untrusted proxy is every client's); a token refilled a moment ago may be missed.
     */
    public boolean available(String address) {
        Bucket bucket = buckets.get(address);
        return bucket == null
                || bucket.tokens + (System.nanoTime() - bucket.refilledNanos) / 1e9 * perSecond >= 1;
    }

    /** Takes a token even if that leaves the bucket empty. */
    public void take(String address) {
        long now = System.nanoTime();
        buckets.compute(address, (key, bucket) -> {
            Bucket current = refilled(bucket, now);
            current.tokens = Math.max(0, current.tokens - 1);
            return current;
        });
    }

    private Bucket refilled(Bucket bucket, long now) {
        Bucket current = bucket;
        if (current == null) {
            current = new Bucket();
            current.tokens = capacity;
        } else {
            current.tokens = Math.min(capacity, current.tokens + (now - current.refilledNanos) / 1e9 * perSecond);
        }
        current.refilledNanos = now;
        return current;
    }

    private void forgetFull() {
        long now = System.nanoTime();
        buckets.entrySet().removeIf(entry -> entry.getValue().tokens
                + (now - entry.getValue().refilledNanos) / 1e9 * perSecond >= capacity);
    }
}
