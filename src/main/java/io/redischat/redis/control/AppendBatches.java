package io.redischat.redis.control;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import redis.clients.jedis.AbstractPipeline;
import redis.clients.jedis.Response;
import redis.clients.jedis.UnifiedJedis;
import redis.clients.jedis.exceptions.JedisNoScriptException;

import io.redischat.sessions.control.DaemonThreadFactory;

/**
 * Runs one Lua script for many callers with as few Redis round trips as the load allows: whatever arrived while the
 * previous batch was in flight goes out as one pipeline ({@code EVALSHA} after {@code EVALSHA}), the way auto-
 * pipelining clients do. Redis runs a pipeline's scripts in order, one at a time, so batching changes neither what
 * each script does nor its atomicity; a caller's order is its own business (the store's callers have at most one
 * write in flight per connection). A caller's future completes with its script's reply, or with the exception that
 * reply was (a failed pipeline fails every call in it, for the caller to retry on its own).
 */
final class AppendBatches implements AutoCloseable {

    private static final Logger LOG = Logger.getLogger(AppendBatches.class.getName());
    /** Scripts one pipeline carries at most: a batch is then a few hundred KiB of requests at worst. */
    static final int MAX_BATCH = 128;

    private record Call(List<String> keys, List<String> args, CompletableFuture<Object> reply) {
    }

    private final LuaScript script;
    private final Supplier<UnifiedJedis> client;
    private final BlockingQueue<Call> queue;
    private final ExecutorService senders;
    private volatile boolean running = true;

    /**
     * @param senders pipelines in flight at once: while one waits for Redis, the next batch gathers and goes out
     */
    AppendBatches(LuaScript script, Supplier<UnifiedJedis> client, int capacity, int senders) {
        this.script = script;
        this.client = client;
        this.queue = new ArrayBlockingQueue<>(capacity);
        this.senders = Executors.newFixedThreadPool(senders, new DaemonThreadFactory("redis-chat-store-batch"));
        for (int i = 0; i < senders; i++) {
            this.senders.execute(this::sendBatches);
        }
    }

    /** Queues one run of the script; fails at once when the queue is full. */
    CompletableFuture<Object> submit(List<String> keys, List<String> args) {
        var call = new Call(keys, args, new CompletableFuture<>());
        if (!running || !queue.offer(call)) {
            return CompletableFuture.failedFuture(new RejectedExecutionException(
                    "more than " + queue.size() + " writes are waiting for Redis"));
        }
        return call.reply();
    }

    private void sendBatches() {
        var batch = new ArrayList<Call>(MAX_BATCH);
        while (running) {
            try {
                batch.add(queue.take());
                queue.drainTo(batch, MAX_BATCH - 1);
                send(batch);
            } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
            } catch (RuntimeException e) {
                LOG.log(Level.WARNING, "a batch of writes failed unexpectedly", e);
                batch.forEach(call -> call.reply().completeExceptionally(e));
            } finally {
                batch.clear();
            }
        }
    }

    private void send(List<Call> batch) {
        UnifiedJedis jedis = client.get();
        if (batch.size() == 1) {
            Call call = batch.get(0);
            try {
                call.reply().complete(script.run(jedis, call.keys(), call.args()));
            } catch (RuntimeException e) {
                call.reply().completeExceptionally(e);
            }
            return;
        }
        List<Response<Object>> replies = new ArrayList<>(batch.size());
        try (AbstractPipeline pipeline = jedis.pipelined()) {
            for (Call call : batch) {
                replies.add(pipeline.evalsha(script.sha(), call.keys(), call.args()));
            }
            pipeline.sync();
        } catch (RuntimeException e) {
            // the connection failed: every call of the batch may or may not have run, the caller decides
            batch.forEach(call -> call.reply().completeExceptionally(e));
            return;
        }
        for (int i = 0; i < batch.size(); i++) {
            Call call = batch.get(i);
            try {
                call.reply().complete(replies.get(i).get());
            } catch (JedisNoScriptException e) {
                // Redis lost its script cache (a restart, a failover): this one goes again with the source
                try {
                    call.reply().complete(script.run(jedis, call.keys(), call.args()));
                } catch (RuntimeException again) {
                    call.reply().completeExceptionally(again);
                }
            } catch (RuntimeException e) {
                call.reply().completeExceptionally(e);
            }
        }
    }

    @Override
    public void close() {
        running = false;
        senders.shutdownNow();
        Call left;
        while ((left = queue.poll()) != null) {
            left.reply().completeExceptionally(new RejectedExecutionException("the store is stopping"));
        }
    }
}
