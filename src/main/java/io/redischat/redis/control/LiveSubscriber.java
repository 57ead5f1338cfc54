package io.redischat.redis.control;

import io.redischat.sessions.control.DaemonThreadFactory;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.annotation.PostConstruct;
import jakarta.annotation.PreDestroy;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.context.Initialized;
import jakarta.enterprise.event.Observes;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.ops.control.LogText;

import redis.clients.jedis.Connection;
import redis.clients.jedis.HostAndPort;
import redis.clients.jedis.JedisPubSub;

/**
 * This instance's one pub/sub connection to Redis. It subscribes only to the channels someone asked for, comes back
 * by itself after Redis restarts or fails over (resubscribing everything), and proves it still delivers: a probe
 * published on a channel of its own must come back, or the connection is dropped and made again. PING alone can
 * answer while a subscription is wedged.
 */
@ApplicationScoped
public class LiveSubscriber {

    /** What a channel's subscriber learns. Called on the subscriber thread: must not block. */
    public interface ChannelListener {
        void onMessage(String payload);

        /** The connection dropped: messages published from now until {@link #onRestored()} are not delivered. */
        void onInterrupted();

        /** Subscribed again after an interruption. */
        void onRestored();
    }

    private static final Logger LOG = Logger.getLogger(LiveSubscriber.class.getName());
    private static final long MAX_BACKOFF_MS = 1000;

    @Inject
    @ConfigProperties
    StoreSettings settings;

    @Inject
    RedisConnection redis;

    @Inject
    ChatMetrics metrics;

    private final Map<String, ChannelListener> listeners = new ConcurrentHashMap<>();
    private final Map<String, CompletableFuture<Void>> pending = new ConcurrentHashMap<>();
    private final String instanceId = UUID.randomUUID().toString().substring(0, 8);
    private final Object commandOrder = new Object();

    private volatile boolean running;
    private volatile Subscription current;
    private volatile Connection connection;
    private volatile long lastProbeNanos;
    private volatile long reconnects;
    private volatile String lastError;
    private Thread loop;
    private ScheduledExecutorService prober;

    @PostConstruct
    void start() {
        running = true;
        loop = new Thread(this::run, "redis-chat-subscriber");
        loop.setDaemon(true);
        loop.start();
        prober = Executors.newSingleThreadScheduledExecutor(new DaemonThreadFactory("redis-chat-pubsub-probe"));
        prober.scheduleWithFixedDelay(this::probe, settings.probeIntervalMs, settings.probeIntervalMs, TimeUnit.MILLISECONDS);
    }

    @PreDestroy
    void stop() {
        running = false;
        prober.shutdownNow();
        Connection open = connection;
        if (open != null) {
            open.disconnect();
        }
        loop.interrupt();
    }

    /** A random name for this application instance, fresh at every start. */
    public String instanceId() {
        return instanceId;
    }

    public String probeChannel() {
        return settings.keyPrefix + ":probe:" + instanceId;
    }

    /** Created with the application, so the pub/sub connection and its metrics exist before the first client. */
    void onStartup(@Observes @Initialized(ApplicationScoped.class) Object application) {
        metrics.gauge("chat_pubsub_reconnects", "times the Redis pub/sub connection was made again", this,
                LiveSubscriber::reconnects);
    }

    /**
     * Subscribes the listener in place of any other of the channel; completes when Redis confirmed the subscription
     * (at once if it already was). Subscribes and unsubscribes go out in the order they were called.
     */
    public CompletableFuture<Void> subscribe(String channel, ChannelListener listener) {
        synchronized (commandOrder) {
            listeners.put(channel, listener);
            CompletableFuture<Void> confirmed = pending.computeIfAbsent(channel, c -> new CompletableFuture<>());
            // if not subscribed now, the loop subscribes every listener's channel when it (re)connects
            onCurrentSubscription(subscription -> subscription.subscribe(channel), "subscribe " + channel);
            return confirmed;
        }
    }

    /** Unsubscribes the channel if this listener is still the one subscribed to it. */
    public void unsubscribe(String channel, ChannelListener listener) {
        synchronized (commandOrder) {
            if (!listeners.remove(channel, listener)) {
                return;
            }
            CompletableFuture<Void> waiting = pending.remove(channel);
            if (waiting != null) {
                waiting.cancel(false);
            }
            onCurrentSubscription(subscription -> subscription.unsubscribe(channel), "unsubscribe " + channel);
        }
    }

    /** Sends a (un)subscribe on the live connection, if there is one; a failure waits for the reconnect. */
    private void onCurrentSubscription(java.util.function.Consumer<Subscription> command, String what) {
        Subscription subscription = current;
        if (subscription == null || !subscription.isSubscribed()) {
            return;
        }
        try {
            synchronized (subscription) {
                command.accept(subscription);
            }
        } catch (RuntimeException e) {
            LOG.log(Level.FINE, what + " failed; the reconnect will redo it", e);
        }
    }

    /** Subscribed, and the last probe came back recently. */
    public boolean delivering() {
        return current != null && System.nanoTime() - lastProbeNanos < TimeUnit.MILLISECONDS.toNanos(staleAfterMs());
    }

    /** The subscriber loop is alive (it keeps trying while Redis is away). */
    public boolean running() {
        return running && loop != null && loop.isAlive();
    }

    public long reconnects() {
        return reconnects;
    }

    public String lastError() {
        return lastError;
    }

    private long staleAfterMs() {
        return Math.max(3000, 3 * settings.probeIntervalMs);
    }

    private void run() {
        long backoff = 50;
        boolean wasConnected = false;
        while (running) {
            Subscription subscription = new Subscription(wasConnected);
            try {
                HostAndPort address = redis.subscriberAddress();
                connection = new Connection(address, redis.clientConfig(redis.redisUrl()));
                current = subscription;
                // the listeners' channels follow once the probe channel is confirmed (see onSubscribe)
                subscription.proceed(connection, probeChannel());
            } catch (RuntimeException e) {
                if (running) {
                    lastError = RedisFailure.describe(e);
                }
            } finally {
                current = null;
                Connection open = connection;
                if (open != null) {
                    open.close();
                }
            }
            if (subscription.established) {
                // Redis went away under us: the pooled command connections are most likely dead too
                redis.connectionFailed(new redis.clients.jedis.exceptions.JedisConnectionException("pub/sub lost"));
                wasConnected = true;
                backoff = 50;
                reconnects++;
                LOG.warning(() -> "redis pub/sub connection lost (" + lastError + "); resubscribing");
                listeners.values().forEach(ChannelListener::onInterrupted);
            }
            sleep(backoff);
            backoff = Math.min(MAX_BACKOFF_MS, backoff * 2);
        }
    }

    private void probe() {
        Subscription subscription = current;
        if (subscription == null || !subscription.established) {
            return;
        }
        try {
            redis.client().publish(probeChannel(), "probe");
        } catch (RuntimeException e) {
            lastError = RedisFailure.describe(e);
        }
        if (System.nanoTime() - lastProbeNanos > TimeUnit.MILLISECONDS.toNanos(staleAfterMs())) {
            LOG.warning("redis pub/sub probe not delivered for " + staleAfterMs() + " ms: reconnecting");
            lastError = "pub/sub probe not delivered";
            Connection open = connection;
            if (open != null) {
                open.disconnect();
            }
        }
    }

    private static void sleep(long millis) {
        try {
            Thread.sleep(millis);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    private final class Subscription extends JedisPubSub {
        private final boolean restoring;
        private final java.util.Set<String> restored = ConcurrentHashMap.newKeySet();
        private volatile boolean established;

        Subscription(boolean restoring) {
            this.restoring = restoring;
        }

        @Override
        public void onSubscribe(String channel, int subscribedChannels) {
            if (channel.equals(probeChannel())) {
                established = true;
                lastProbeNanos = System.nanoTime();
                redis.recordAnswer();
                List<String> channels = new ArrayList<>(listeners.keySet());
                if (!channels.isEmpty()) {
                    synchronized (this) {
                        subscribe(channels.toArray(String[]::new));
                    }
                }
                return;
            }
            CompletableFuture<Void> waiting = pending.get(channel);
            if (waiting != null) {
                waiting.complete(null);
            }
            ChannelListener listener = listeners.get(channel);
            if (restoring && listener != null && restored.add(channel)) {
                listener.onRestored();
            }
        }

        @Override
        public void onMessage(String channel, String message) {
            if (channel.equals(probeChannel())) {
                lastProbeNanos = System.nanoTime();
                redis.recordAnswer();
                return;
            }
            ChannelListener listener = listeners.get(channel);
            if (listener != null) {
                try {
                    listener.onMessage(message);
                } catch (RuntimeException e) {
                    LOG.log(Level.WARNING, "listener of " + LogText.of(channel) + " failed", e);
                }
            }
        }
    }
}
