package io.redischat.redis.control;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * How redis-chat keeps histories and fans out in Redis ({@code chat.*}): key prefix, history length, read budget, worker pools,
 * replica acknowledgement, failure handling, the pub/sub probe. The defaults here are the only ones.
 */
@ConfigProperties(prefix = "chat")
@Dependent
public class StoreSettings {

    /** Every key and channel starts with it (an ACL user can be limited to {@code ~chat:* &chat:*}). */
    @ConfigProperty(name = "redis.key-prefix", defaultValue = "chat")
    public String keyPrefix;

    /** Entries kept per session (a message and its reply are two). */
    @ConfigProperty(name = "history.max-length", defaultValue = "1000")
    public int historyMaxLength;

    /** Bytes of message text kept per session; the oldest entries go beyond it, as beyond the entry limit. */
    @ConfigProperty(name = "history.max-bytes", defaultValue = "4194304")
    public long historyMaxBytes;

    /** Above this share of Redis' maxmemory, no new session is started (existing ones go on). */
    @ConfigProperty(name = "redis.max-memory-use", defaultValue = "0.9")
    public double maxMemoryUse;

    /**
     * Bytes of messages one history read may return (REST page, resume replay, catch-up read): Redis stops reading
     * there, and the answer says has_more. A single message larger than this is still returned alone.
     */
    @ConfigProperty(name = "history.max-response-bytes", defaultValue = "4194304")
    public long historyMaxResponseBytes;

    /** Seconds the "this session was persisted once" marker outlives the history. */
    @ConfigProperty(name = "session.marker-ttl", defaultValue = "86400")
    public long markerTtlSeconds;

    @ConfigProperty(name = "store.threads", defaultValue = "8")
    public int storeThreads;

    /** Writes and reads that may wait for a thread before new ones fail at once. */
    @ConfigProperty(name = "store.queue-capacity", defaultValue = "10000")
    public int storeQueueCapacity;

    /** Replicas that must confirm a write (WAIT) before it is acknowledged; 0 = the master's word is enough. */
    @ConfigProperty(name = "redis.wait-replicas", defaultValue = "0")
    public int waitReplicas;

    @ConfigProperty(name = "redis.wait-timeout-ms", defaultValue = "500")
    public long waitTimeoutMs;

    /** After a connection failure or timeout, writes fail at once this long, or until Redis is seen answering. */
    @ConfigProperty(name = "redis.fail-fast-ms", defaultValue = "500")
    public long failFastMs;

    @ConfigProperty(name = "redis.status-timeout-ms", defaultValue = "500")
    public long statusTimeoutMs;

    /** A probe not back through pub/sub within three periods (at least 3 s) makes the subscriber reconnect. */
    @ConfigProperty(name = "pubsub.probe-interval-ms", defaultValue = "1000")
    public long probeIntervalMs;
}
