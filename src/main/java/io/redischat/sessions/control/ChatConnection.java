package io.redischat.sessions.control;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import java.util.function.Supplier;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.Session;

import io.redischat.ops.control.LogText;
import io.redischat.sessions.entity.ClientIdentity;

/**
 * One client's WebSocket in a chat session: its id (the {@code from} of what it sends), what it asked for
 * (persistence), its own message count when nothing is persisted, its writes in the order it sent them, and a send
 * path that puts the {@code connected} frame first and never buffers more than a limit for a client that stops
 * reading.
 */
public final class ChatConnection {

    private static final Logger LOG = Logger.getLogger(ChatConnection.class.getName());

    private static final ByteBuffer PING = ByteBuffer.allocate(0);

    /** Behind on its sends by more than this, a connection is the one to close when the instance's budget is full. */
    private static final long BEHIND = 64 * 1024;
    private static final ExecutorService CLOSERS = Executors.newCachedThreadPool(
            new DaemonThreadFactory("redis-chat-close"));

    private final MemoryBudget budget;
    private final Session socket;
    private final String sessionId;
    private final String clientAddress;
    private final String subject;
    private final AtomicReference<Future<?>> expiry = new AtomicReference<>();
    private final AtomicBoolean closing = new AtomicBoolean();
    private volatile long lastHeardNanos = System.nanoTime();
    private volatile long pingStartedNanos;
    private volatile boolean pingInFlight;
    private final String connectionId;
    private final String author;
    private final boolean persistent;
    private final long sendBufferLimit;
    private final AtomicLong pendingSendBytes = new AtomicLong();
    /** Sends the container finished: a client that takes frames makes this grow. */
    private final AtomicLong completedSends = new AtomicLong();
    /** Runs once when there is room again (see {@link #whenRoomFor}). */
    private final AtomicReference<RoomWaiter> roomWaiter = new AtomicReference<>();
    private final AtomicInteger pendingWrites = new AtomicInteger();
    private final AtomicLong pendingWriteBytes = new AtomicLong();
    private final AtomicLong messageNumber = new AtomicLong();
    private final AtomicLong idempotencyKeys = new AtomicLong();
    private CompletableFuture<?> lastWrite = CompletableFuture.completedFuture(null);
    /**
     * Frames sent before the {@code connected} frame, held so that it goes first; null once it and every held frame
     * went. Guarded by this connection's monitor, which is never held while the container is called (see
     * {@link #sendConnected}).
     */
    private List<String> beforeConnected = new ArrayList<>();
    private boolean connectedSending;
    private double rateTokens = -1;
    private long rateRefilledNanos;

    /**
     * @param client who is on the socket; without an author of its own, this socket is the author
     * @param budget the heap all connections of the instance share
     */
    public ChatConnection(Session socket, String sessionId, ClientIdentity client, boolean persistent,
                          long sendBufferLimit, MemoryBudget budget) {
        this.budget = budget;
        this.socket = socket;
        this.sessionId = sessionId;
        this.clientAddress = client.address();
        this.subject = client.subject();
        this.persistent = persistent;
        this.sendBufferLimit = sendBufferLimit;
        this.connectionId = Long.toHexString(ThreadLocalRandom.current().nextLong() >>> 16);
        this.author = client.author() != null ? client.author() : Authors.ofConnection(connectionId);
    }

    public String sessionId() {
        return sessionId;
    }

    public boolean persistent() {
        return persistent;
    }

    public boolean isOpen() {
        return socket.isOpen();
    }

    /** The client's address (through trusted proxies), for limits and logs. */
    public String clientAddress() {
        return clientAddress;
    }

    /** The client sent something (a frame or a pong): it is alive. */
    public void heard() {
        lastHeardNanos = System.nanoTime();
    }

    /**
     * Asks the client for a pong; a socket that cannot take it is dead. The container may block in here on a socket
     * whose peer is gone: {@link #pingStuck} tells.
     */
    void ping() {
        pingStartedNanos = System.nanoTime();
        pingInFlight = true;
        try {
            socket.getAsyncRemote().sendPing(PING.duplicate());
        } catch (IOException | RuntimeException e) {
            LOG.log(Level.FINE, "ping failed on " + id(), e);
        } finally {
            pingInFlight = false;
        }
    }

    /** A ping has been in the container's hands for longer than {@code limitNanos}: the socket is stuck. */
    boolean pingStuck(long now, long limitNanos) {
        return pingInFlight && now - pingStartedNanos > limitNanos;
    }

    /** A ping went out more than {@code limitNanos} ago and nothing came from the client since it was sent. */
    boolean pongOverdue(long now, long limitNanos) {
        long started = pingStartedNanos;
        return !pingInFlight && started != 0 && started - lastHeardNanos > 0 && now - started > limitNanos;
    }

    /**
     * Never pinged, or heard of since its last ping: an unanswered ping stays the one the pong timeout counts from.
     */
    boolean needsPing() {
        long started = pingStartedNanos;
        return !pingInFlight && (started == 0 || lastHeardNanos - started >= 0);
    }

    /** The container's id of the socket, for logs. */
    public String id() {
        return socket.getId();
    }

    /** This socket's id in the chat: sent in {@code connected}, recorded as {@code from} on what it sends. */
    public String connectionId() {
        return connectionId;
    }

    /** The subject of the socket's verified token, or null without access control. */
    public String subject() {
        return subject;
    }

    /** Who a message of this socket is {@code from}: the token's subject, or else the socket's connection id. */
    public String from() {
        return subject != null ? subject : connectionId;
    }

    /** What a log line of this connection says about its client: the address and, with a token, the subject. */
    public String logText() {
        return "client=" + clientAddress + (subject == null ? "" : " subject=" + LogText.of(subject));
    }

    /** Closes the socket when its token expires; a later token of the same subject moves the moment. */
    void expireWith(Future<?> closing) {
        Future<?> before = expiry.getAndSet(closing);
        if (before != null) {
            before.cancel(false);
        }
    }

    /** Called from the container's close callback: takes no lock (see {@link #sendConnected}). */
    void cancelExpiry() {
        Future<?> before = expiry.getAndSet(null);
        if (before != null) {
            before.cancel(false);
        }
    }

    /** Who sends on this socket: scopes its clientIds, and only sockets of the same author get them back. */
    public String author() {
        return author;
    }

    /** The N of the next message when N is not kept in Redis (no persistence, or Redis failed). */
    long nextLocalNumber() {
        return messageNumber.incrementAndGet();
    }

    /** The highest {@code Message #N} this socket has shown, stored or not. */
    long lastNumber() {
        return messageNumber.get();
    }

    /** Numbers this socket's unstored replies from {@code lastNumber + 1}: the client saw up to it before. */
    public void continueNumberingAfter(long lastNumber) {
        messageNumber.accumulateAndGet(lastNumber, Math::max);
    }

    /** Remembers the N Redis gave, so a message Redis cannot store is numbered after it. */
    void observeStoredNumber(long number) {
        messageNumber.accumulateAndGet(number, Math::max);
    }

    /** The idempotency key of a message the client named: the clientId within this client's own. */
    String clientKey(String clientId) {
        return Authors.clientKey(author, clientId);
    }

    /** A key no client can choose ('#' is not allowed in a clientId), unique per message of this socket. */
    String nextIdempotencyKey() {
        return "#" + connectionId + "." + idempotencyKeys.incrementAndGet();
    }

    /**
     * Token bucket: up to {@code perSecond} messages a second on average, bursts of as many. False means this message
     * is over the limit.
     */
    public synchronized boolean tryAcquireMessage(int perSecond) {
        if (perSecond <= 0) {
            return true;
        }
        long now = System.nanoTime();
        if (rateTokens < 0) {
            rateTokens = perSecond;
        } else {
            rateTokens = Math.min(perSecond, rateTokens + (now - rateRefilledNanos) / 1e9 * perSecond);
        }
        rateRefilledNanos = now;
        if (rateTokens < 1) {
            return false;
        }
        rateTokens -= 1;
        return true;
    }

    /** Writes of this connection start only after {@code step} completed (its place in the session was read). */
    synchronized void writesAfter(CompletionStage<?> step) {
        lastWrite = step.toCompletableFuture();
    }

    /** Starts a write after this client's previous one finished, so its messages are stored in the order sent. */
    synchronized <T> CompletableFuture<T> afterPreviousWrite(Supplier<CompletionStage<T>> write) {
        CompletableFuture<T> next = lastWrite.handle((ignored, failure) -> null).thenCompose(ignored -> write.get());
        lastWrite = next;
        return next;
    }

    /** Counts a write in, unless this connection already has too many or too large ones waiting for the store. */
    boolean tryStartWrite(int maxPending, long bytes, long maxPendingBytes) {
        if (pendingWrites.incrementAndGet() > maxPending) {
            pendingWrites.decrementAndGet();
            return false;
        }
        if ((pendingWriteBytes.addAndGet(bytes) > maxPendingBytes && pendingWrites.get() > 1)
                || !budget.reserveWrite(bytes)) {
            pendingWriteBytes.addAndGet(-bytes);
            pendingWrites.decrementAndGet();
            return false;
        }
        return true;
    }

    void finishWrite(long bytes) {
        budget.releaseWrite(bytes);
        pendingWriteBytes.addAndGet(-bytes);
        pendingWrites.decrementAndGet();
    }

    /**
     * Sends the {@code connected} frame, then whatever was sent before it, and what is sent while these go out. The
     * frames go to the container outside this connection's monitor: Tyrus calls {@code @OnClose} while it holds the
     * socket's writer lock (a ping or send that finds the connection gone), and a send made under the monitor waited
     * for that lock while the close waited for the monitor, which froze a feed thread for good.
     */
    void sendConnected(String connectedFrame) {
        List<String> batch = new ArrayList<>();
        synchronized (this) {
            if (beforeConnected == null || connectedSending) {
                return;
            }
            connectedSending = true;
            batch.add(connectedFrame);
            batch.addAll(beforeConnected);
            beforeConnected.clear();
        }
        while (true) {
            batch.forEach(frame -> transmit(frame, -1));
            synchronized (this) {
                if (beforeConnected.isEmpty()) {
                    beforeConnected = null;
                    return;
                }
                batch = new ArrayList<>(beforeConnected);
                beforeConnected.clear();
            }
        }
    }

    /**
     * Whether a frame of {@code bytes} may be queued now while no more than half the send buffer waits; a frame always
     * may when nothing waits. The session's feed sends more only while there is room, so that a client that reads
     * slowly has at most half its buffer (plus one frame) queued and the buffer's limit is not reached.
     */
    boolean hasRoomFor(long bytes) {
        if (closing.get()) {
            // its sends fail as it closes: that is no room, or the feed would go through the history for nothing
            return false;
        }
        long pending = pendingSendBytes.get();
        return pending == 0 || pending + bytes <= sendBufferLimit / 2;
    }

    /**
     * Runs {@code task} once, on the thread that completes a send, when a frame of {@code bytes} fits in a quarter of
     * the send buffer besides what waits, or nothing waits; at once if that is so already. Then {@link #hasRoomFor}
     * says yes (unless something was sent since), and a socket that drains goes on in steps of a quarter buffer, not
     * frame by frame. A later call replaces a task that has not run.
     */
    void whenRoomFor(long bytes, Runnable task) {
        roomWaiter.set(new RoomWaiter(bytes, task));
        drained();
    }

    private record RoomWaiter(long bytes, Runnable task) {
    }

    /** How many sends the container finished: unchanged for long while frames wait, the client is not reading. */
    long completedSends() {
        return completedSends.get();
    }

    /** The client took nothing of what waited for it for too long: closed with 1013, as when its buffer is full. */
    void closeNotReading() {
        closeLater(CloseReason.CloseCodes.TRY_AGAIN_LATER, "send buffer full: client is not reading");
    }

    private void sent(long size) {
        pendingSendBytes.addAndGet(-size);
        budget.releaseSend(size);
        completedSends.incrementAndGet();
        drained();
    }

    private void drained() {
        RoomWaiter waiter = roomWaiter.get();
        if (waiter == null || closing.get()) {
            return;
        }
        long pending = pendingSendBytes.get();
        if ((pending == 0 || pending + waiter.bytes() <= sendBufferLimit / 4)
                && roomWaiter.compareAndSet(waiter, null)) {
            waiter.task().run();
        }
    }

    /** Queues a text frame; a client that lets more than the limit pile up is closed with 1013. */
    public void send(String text) {
        send(text, -1);
    }

    /** As {@link #send(String)}, for a frame whose UTF-8 size is known already ({@code -1}: not known). */
    public void send(String text, long utf8Bytes) {
        synchronized (this) {
            if (beforeConnected != null) {
                beforeConnected.add(text);
                return;
            }
        }
        transmit(text, utf8Bytes);
    }

    private void transmit(String text, long utf8Bytes) {
        if (closing.get() || !socket.isOpen()) {
            return;
        }
        long size = utf8Bytes >= 0 ? utf8Bytes : Utf8.length(text);
        long pending = pendingSendBytes.addAndGet(size);
        if (pending > sendBufferLimit) {
            pendingSendBytes.addAndGet(-size);
            closeLater(CloseReason.CloseCodes.TRY_AGAIN_LATER, "send buffer full: client is not reading");
            return;
        }
        if (!budget.reserveSend(size)) {
            if (pending > BEHIND) {
                pendingSendBytes.addAndGet(-size);
                closeLater(CloseReason.CloseCodes.TRY_AGAIN_LATER, "server send buffers full: client is not reading");
                return;
            }
            // a client that keeps up is not the one to blame: its frame goes out beyond the budget
            budget.overdrawSend(size);
        }
        try {
            socket.getAsyncRemote().sendText(text, result -> sent(size));
        } catch (RuntimeException e) {
            sent(size);
            LOG.log(Level.FINE, "send failed on " + id(), e);
        }
    }

    /**
     * Threads for closes that may block inside the container. Not the common pool: on two cores it has one thread,
     * which one blocked close would hold.
     */
    public static java.util.concurrent.Executor closers() {
        return CLOSERS;
    }

    /**
     * Closes the socket on a thread of its own: the caller never waits for the container. A close can block on a
     * socket whose peer is gone or stopped reading, and the caller may deliver to a session's other members or be the
     * one thread that watches all sockets.
     */
    void closeLater(CloseReason.CloseCode code, String reason) {
        if (closing.compareAndSet(false, true)) {
            CLOSERS.execute(() -> close(code, reason));
        }
    }

    public void close(CloseReason.CloseCode code, String reason) {
        closing.set(true);
        try {
            if (socket.isOpen()) {
                socket.close(new CloseReason(code, reason));
            }
        } catch (IOException | IllegalStateException e) {
            LOG.log(Level.FINE, "close failed on " + id(), e);
        }
    }
}
