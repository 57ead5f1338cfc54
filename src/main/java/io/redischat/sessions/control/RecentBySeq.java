package io.redischat.sessions.control;

import java.util.AbstractMap;
import java.util.Arrays;
import java.util.Map;
import java.util.NoSuchElementException;

/**
 * A feed's recent messages by seq, oldest first: a sorted ring of seqs and values. Seqs nearly always come in order
 * and without holes, so adding is an append, taking the oldest moves the head, and a lookup is one guessed index; a
 * tree of a few hundred nodes per session, scattered over the heap, cost 15% of the persisted message path in cache
 * misses. Holes and out-of-order seqs (a page of history) are allowed: they are found by binary search and inserted
 * by shifting, which the bounded size keeps cheap.
 */
final class RecentBySeq<V> {

    private long[] seqs = new long[16];
    private Object[] values = new Object[16];
    private int head;
    private int size;

    boolean isEmpty() {
        return size == 0;
    }

    int size() {
        return size;
    }

    long firstKey() {
        requireEntries();
        return seqs[head];
    }

    long lastKey() {
        requireEntries();
        return seqs[slot(size - 1)];
    }

    boolean containsKey(long seq) {
        return indexOf(seq) >= 0;
    }

    V get(long seq) {
        int index = indexOf(seq);
        return index < 0 ? null : value(index);
    }

    void put(long seq, V value) {
        if (size == 0 || seq > seqs[slot(size - 1)]) {
            growIfFull();
            seqs[slot(size)] = seq;
            values[slot(size)] = value;
            size++;
            return;
        }
        int index = search(seq);
        if (index >= 0) {
            values[slot(index)] = value;
            return;
        }
        int at = -index - 1;
        growIfFull();
        for (int i = size; i > at; i--) {
            seqs[slot(i)] = seqs[slot(i - 1)];
            values[slot(i)] = values[slot(i - 1)];
        }
        seqs[slot(at)] = seq;
        values[slot(at)] = value;
        size++;
    }

    Long higherKey(long seq) {
        int index = higher(seq);
        return index < 0 ? null : seqs[slot(index)];
    }

    Map.Entry<Long, V> higherEntry(long seq) {
        int index = higher(seq);
        return index < 0 ? null : new AbstractMap.SimpleImmutableEntry<>(seqs[slot(index)], value(index));
    }

    /** Removes and returns the oldest. */
    V pollFirst() {
        requireEntries();
        V oldest = value(0);
        values[head] = null;
        head = slot(1);
        size--;
        return oldest;
    }

    void clear() {
        Arrays.fill(values, null);
        head = 0;
        size = 0;
    }

    private int indexOf(long seq) {
        if (size == 0 || seq < seqs[head] || seq > seqs[slot(size - 1)]) {
            return -1;
        }
        long guess = seq - seqs[head];
        if (guess < size && seqs[slot((int) guess)] == seq) {
            return (int) guess;
        }
        int index = search(seq);
        return index < 0 ? -1 : index;
    }

    /** The index of the first seq above {@code seq}, or -1. */
    private int higher(long seq) {
        if (size == 0 || seq >= seqs[slot(size - 1)]) {
            return -1;
        }
        int index = search(seq);
        return index >= 0 ? index + 1 : -index - 1;
    }

    /** Binary search over the ring: the index of {@code seq}, or {@code -(insertion point) - 1}. */
    private int search(long seq) {
        int low = 0;
        int high = size - 1;
        while (low <= high) {
            int middle = (low + high) >>> 1;
            long found = seqs[slot(middle)];
            if (found < seq) {
                low = middle + 1;
            } else if (found > seq) {
                high = middle - 1;
            } else {
                return middle;
            }
        }
        return -(low + 1);
    }

    private int slot(int index) {
        return (head + index) & (seqs.length - 1);
    }

    @SuppressWarnings("unchecked")
    private V value(int index) {
        return (V) values[slot(index)];
    }

    private void growIfFull() {
        if (size < seqs.length) {
            return;
        }
        long[] grownSeqs = new long[seqs.length * 2];
        Object[] grownValues = new Object[seqs.length * 2];
        for (int i = 0; i < size; i++) {
            grownSeqs[i] = seqs[slot(i)];
            grownValues[i] = values[slot(i)];
        }
        seqs = grownSeqs;
        values = grownValues;
        head = 0;
    }

    private void requireEntries() {
        if (size == 0) {
            throw new NoSuchElementException();
        }
    }
}
