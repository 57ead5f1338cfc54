package io.redischat.sessions.control;

import jakarta.enterprise.context.Dependent;

import org.eclipse.microprofile.config.inject.ConfigProperties;
import org.eclipse.microprofile.config.inject.ConfigProperty;

import io.redischat.sessions.entity.SendLimits;

/**
 * What one client and one instance may use ({@code chat.*}): message size, send buffer, rate, pending writes,
 * connections; and the threads that deliver. The defaults here are the only ones.
 */
@ConfigProperties(prefix = "chat")
@Dependent
public class ChatLimits {

    /** Largest text frame in UTF-8 bytes; a larger one closes the socket with 1009. Sent to clients in connected. */
    @ConfigProperty(name = "message.max-bytes", defaultValue = "65536")
    public int maxMessageBytes;

    /**
     * Bytes that may wait for a client that stopped reading before it is closed with 1013. A session's feed sends a
     * socket more only while at most half of this waits, and reads the history in steps of that half.
     */
    @ConfigProperty(name = "connection.send-buffer-bytes", defaultValue = "1048576")
    public long sendBufferBytes;

    /**
     * A socket with frames waiting that takes none of them for this long is closed with 1013: it stopped reading.
     * (The feed sends a socket more only while at most half its send buffer waits, so the buffer's own limit is
     * rarely what finds such a client.)
     */
    @ConfigProperty(name = "connection.send-timeout-ms", defaultValue = "5000")
    public long sendTimeoutMs;

    @ConfigProperty(name = "connection.max-messages-per-second", defaultValue = "20")
    public int maxMessagesPerSecond;

    /** Messages of one connection waiting for Redis before new ones are refused (too_many_pending). */
    @ConfigProperty(name = "connection.max-pending-writes", defaultValue = "256")
    public int maxPendingWrites;

    /** Bytes of messages of one connection waiting for Redis before new ones are refused (too_many_pending). */
    @ConfigProperty(name = "connection.max-pending-bytes", defaultValue = "1048576")
    public long maxPendingBytes;

    /** New persisted sessions one client address may start a minute (bursts as large). */
    @ConfigProperty(name = "client.max-new-sessions-per-minute", defaultValue = "60")
    public int maxNewSessionsPerMinute;

    /** Bytes of frames all sockets of the instance may have waiting to be sent; beyond, the most behind are closed. */
    @ConfigProperty(name = "memory.send-buffers-bytes", defaultValue = "268435456")
    public long sendBuffersBytes;

    /** Bytes of messages all sockets of the instance may have waiting for the store; beyond, too_many_pending. */
    @ConfigProperty(name = "memory.pending-writes-bytes", defaultValue = "134217728")
    public long pendingWritesBytes;

    /**
     * Characters of recent message frames all live sessions of the instance keep for members that fall a little
     * behind; beyond, a session keeps only what a member still needs (the others read the history instead).
     */
    @ConfigProperty(name = "memory.recent-frames-chars", defaultValue = "33554432")
    public long recentFramesChars;

    @ConfigProperty(name = "session.max-connections", defaultValue = "64")
    public int maxConnectionsPerSession;

    @ConfigProperty(name = "max-connections", defaultValue = "10000")
    public int maxConnections;

    @ConfigProperty(name = "feed.threads", defaultValue = "4")
    public int feedThreads;

    /** Sockets one client address may hold on this instance (behind a proxy: see chat.network.trusted-proxies). */
    @ConfigProperty(name = "client.max-connections", defaultValue = "1000")
    public int maxConnectionsPerClient;

    /** The server pings every socket this often; dead and idle sockets are found this way. */
    @ConfigProperty(name = "websocket.ping-interval-ms", defaultValue = "25000")
    public long pingIntervalMs;

    /** A socket that sent nothing, not even a pong, for a ping interval and this long is closed. */
    @ConfigProperty(name = "websocket.pong-timeout-ms", defaultValue = "10000")
    public long pongTimeoutMs;

    /** What a client may send on a socket, as {@code connected} announces it (bursts are as large as the rate). */
    public SendLimits sendLimits() {
        int perSecond = Math.max(0, maxMessagesPerSecond);
        return new SendLimits(perSecond, perSecond, maxPendingWrites, maxPendingBytes, maxMessageBytes);
    }
}
