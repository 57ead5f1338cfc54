package io.redischat.redis.control;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.function.Function;

import redis.clients.jedis.AbstractTransaction;
import redis.clients.jedis.Connection;
import redis.clients.jedis.Jedis;
import redis.clients.jedis.RedisClusterClient;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.resps.StreamEntry;
import redis.clients.jedis.util.JedisClusterCRC16;

/**
 * Reads part of a session's history within a byte budget, in MULTI/EXEC transactions of native commands. A Lua
 * script did this before, and turned every entry into Lua values and back: a read of 100 messages cost Redis about
 * 680 us against 80 us for the XREVRANGE it is made of.
 * <p>
 * The first transaction reads the meta hash, the first batch, the TTL and the seen marker at one moment. A read that
 * needs more batches (each at most what the budget can take of the largest possible entry, plus one) checks in each
 * further transaction that the epoch is still the first one's, and otherwise stops there with {@code more} set;
 * entries appended after the first transaction are not returned, so the page describes that moment. Entries beyond
 * the newest {@code keep} are passed over: append.lua trims a few of them late.
 */
final class HistoryReads {

    /** What to read: see {@link MessageStore#history}. {@code count} 0 = no limit; {@code keep} 0 = all entries. */
    record Request(String mode, long bound, int count, long budget, long overhead, long largest, int keep) {
        boolean forward() {
            return mode.equals("after");
        }
    }

    /** The page, oldest first; {@code more}: the range holds entries beyond those returned. */
    record Page(String epoch, long lastSeq, long pttl, String seenEpoch, List<StreamEntry> entries, boolean more) {
    }

    private HistoryReads() {
    }

    static Page read(UnifiedJedis jedis, SessionKeys keys, Request request) {
        String history = keys.history();
        String start = switch (request.mode()) {
            case "after", "before" -> "(" + request.bound() + "-0";
            default -> "+";
        };
        boolean entries = !request.mode().equals("meta");
        int want = want(request, 0, 0);
        String firstStart = start;
        First first = inTransaction(jedis, history, tx -> new First(tx.hmget(keys.meta(), "epoch", "seq"),
                entries ? batch(tx, history, request.forward(), firstStart, want) : null,
                tx.pttl(history), tx.get(keys.seen())));
        List<String> meta = first.meta().get();
        String epoch = meta.get(0);
        long lastSeq = meta.get(1) == null ? 0 : Long.parseLong(meta.get(1));
        long pttl = first.pttl().get();
        String seen = first.seen().get();
        if (!entries) {
            return new Page(epoch, lastSeq, pttl, seen, List.of(), false);
        }
        long floor = request.keep() > 0 && lastSeq > request.keep() ? lastSeq - request.keep() + 1 : Long.MIN_VALUE;
        var taken = new ArrayList<StreamEntry>();
        long used = 0;
        List<StreamEntry> batch = first.batch().get();
        int wanted = want;
        while (true) {
            for (StreamEntry entry : batch) {
                long seq = entry.getID().getTime();
                if (seq < floor) {
                    if (request.forward()) {
                        continue;
                    }
                    return page(epoch, lastSeq, pttl, seen, taken, false, request);
                }
                if (request.forward() && seq > lastSeq) {
                    return page(epoch, lastSeq, pttl, seen, taken, false, request);
                }
                if (request.count() > 0 && taken.size() >= request.count()) {
                    return page(epoch, lastSeq, pttl, seen, taken, true, request);
                }
                long size = cost(entry.getFields(), request.overhead());
                if (!taken.isEmpty() && used + size > request.budget()) {
                    return page(epoch, lastSeq, pttl, seen, taken, true, request);
                }
                taken.add(entry);
                used += size;
            }
            if (batch.size() < wanted) {
                return page(epoch, lastSeq, pttl, seen, taken, false, request);
            }
            String next = "(" + batch.get(batch.size() - 1).getID();
            int nextWant = want(request, taken.size(), used);
            Next more = inTransaction(jedis, history, tx -> new Next(tx.hget(keys.meta(), "epoch"),
                    batch(tx, history, request.forward(), next, nextWant)));
            if (!Objects.equals(epoch, more.epoch().get())) {
                return page(epoch, lastSeq, pttl, seen, taken, true, request);
            }
            batch = more.batch().get();
            wanted = nextWant;
        }
    }

    private record First(Response<List<String>> meta, Response<List<StreamEntry>> batch, Response<Long> pttl,
                         Response<String> seen) {
    }

    private record Next(Response<String> epoch, Response<List<StreamEntry>> batch) {
    }

    private static Page page(String epoch, long lastSeq, long pttl, String seen, List<StreamEntry> taken,
                             boolean more, Request request) {
        if (!request.forward()) {
            Collections.reverse(taken);
        }
        return new Page(epoch, lastSeq, pttl, seen, taken, more);
    }

    private static Response<List<StreamEntry>> batch(AbstractTransaction tx, String history, boolean forward,
                                                     String start, int count) {
        return forward ? tx.xrange(history, start, "+", count) : tx.xrevrange(history, start, "-", count);
    }

    /** Entries one batch reads: what the rest of the budget can take of the largest entry, plus one. */
    private static int want(Request request, int taken, long used) {
        long want = Math.max(1, (request.budget() - used) / request.largest()) + 1;
        if (request.count() > 0) {
            want = Math.min(want, request.count() - taken + 1L);
        }
        return (int) Math.min(want, Integer.MAX_VALUE);
    }

    /**
     * What an entry takes in a JSON reply: its content and author in UTF-8, each character JSON escapes (quotes,
     * backslashes, control characters) as 6 bytes, plus the fixed part.
     */
    static long cost(Map<String, String> fields, long overhead) {
        return overhead + textCost(fields.get("c")) + textCost(fields.get("f"));
    }

    private static long textCost(String text) {
        if (text == null) {
            return 0;
        }
        long size = io.redischat.sessions.control.Utf8.length(text);
        for (int i = 0; i < text.length(); i++) {
            char c = text.charAt(i);
            if (c < 0x20 || c == '"' || c == '\\') {
                size += 5;
            }
        }
        return size;
    }

    /**
     * Queues commands in a transaction and runs it. A cluster client has no transactions of its own: they run on a
     * connection to the node of the key's slot (all of a session's keys share one).
     */
    private static <T> T inTransaction(UnifiedJedis jedis, String key, Function<AbstractTransaction, T> commands) {
        if (jedis instanceof RedisClusterClient cluster) {
            try (Connection connection = cluster.getConnectionFromSlot(JedisClusterCRC16.getSlot(key))) {
                try (AbstractTransaction tx = new Jedis(connection).multi()) {
                    T queued = commands.apply(tx);
                    tx.exec();
                    return queued;
                }
            }
        }
        try (AbstractTransaction tx = jedis.multi()) {
            T queued = commands.apply(tx);
            tx.exec();
            return queued;
        }
    }
}
