package io.redischat.bench;

import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.TimeUnit;

/**
 * One load-generating WebSocket client (JDK {@code java.net.http}): sends messages and hands the frames it gets to
 * its {@link Sink}. Frames are classified by plain string search, not parsed: the generator shares the machine's two
 * cores with the server, and the contents it sends hold no quotes.
 */
final class LoadConnection {

    /** What a run learns from its connections' frames; called on the connection's listener thread. */
    interface Sink {
        /** A reply ({@code Message #N: ...}) to one of this connection's own messages. */
        void reply(LoadConnection connection, long seq, boolean persisted, long nanos);

        /** A reply frame delivered to this connection, its own or another member's. */
        void delivered(long nanos);

        /** An error frame; all but {@code redis_unavailable} (which comes with the reply) mean no reply will come. */
        void error(LoadConnection connection, String code);

        void closed(LoadConnection connection, String why);
    }

    final int index;
    final String sessionId;
    private final Sink sink;
    private final CompletableFuture<String> connected = new CompletableFuture<>();
    private final StringBuilder partial = new StringBuilder();
    private final Object sending = new Object();
    private CompletableFuture<?> lastSend = CompletableFuture.completedFuture(null);
    private volatile WebSocket socket;
    private volatile String connectionId;
    private volatile String fromField;
    private volatile boolean persistence;

    /** Send times (nanoTime: actual in the closed loop, intended in the open loop) of messages not yet answered. */
    private final ArrayDeque<long[]> outstanding = new ArrayDeque<>();
    /** The next message number of this connection. */
    private long nextMessage;
    /** Acknowledged (persisted) messages: pairs of reply seq and message number. */
    private long[] acks = new long[64];
    private int ackCount;
    volatile boolean stalled;
    volatile boolean closed;

    LoadConnection(int index, String sessionId, Sink sink) {
        this.index = index;
        this.sessionId = sessionId;
        this.sink = sink;
    }

    /** Opens the socket; completes with the connection id from the server's {@code connected} frame. */
    CompletableFuture<String> open(HttpClient client, URI uri, boolean persistence) {
        this.persistence = persistence;
        client.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(30)).buildAsync(uri, new Listener())
                .whenComplete((ws, failure) -> {
                    if (failure != null) {
                        connected.completeExceptionally(failure);
                    } else {
                        socket = ws;
                    }
                });
        return connected;
    }

    /** The text of message {@code number} of connection {@code index}: unique, {@code payload} bytes, no quotes. */
    static String content(int index, long number, int payload) {
        var text = new StringBuilder(payload).append('b').append(index).append('-').append(number);
        if (text.length() < payload) {
            text.append('-');
        }
        while (text.length() < payload) {
            text.append((char) ('a' + text.length() % 26));
        }
        return text.toString();
    }

    /** Sends the next message, as sent at {@code sentNanos} (now in the closed loop, the intended time when open). */
    void send(long sentNanos, int payload) {
        long number;
        synchronized (outstanding) {
            number = nextMessage++;
            outstanding.addLast(new long[] {sentNanos, number});
        }
        String text = content(index, number, payload);
        synchronized (sending) {
            // the JDK client allows one send in flight per socket: chain them
            lastSend = lastSend.thenCompose(done -> socket.sendText(text, true)).exceptionally(failure -> {
                sink.error(this, "send_failed");
                return null;
            });
        }
    }

    /** The send time of the oldest unanswered message, or -1. */
    long oldestOutstanding() {
        synchronized (outstanding) {
            long[] head = outstanding.peekFirst();
            return head == null ? -1 : head[0];
        }
    }

    int outstandingCount() {
        synchronized (outstanding) {
            return outstanding.size();
        }
    }

    synchronized long[] acks() {
        return Arrays.copyOf(acks, ackCount * 2);
    }

    void close() {
        WebSocket ws = socket;
        if (ws == null) {
            return;
        }
        try {
            ws.sendClose(WebSocket.NORMAL_CLOSURE, "bench done").orTimeout(2, TimeUnit.SECONDS)
                    .exceptionally(failure -> null).join();
        } catch (RuntimeException ignored) {
            // gone already
        }
        ws.abort();
    }

    /** Takes the oldest outstanding message off the queue: its {send nanos, number}, or null. */
    long[] answered() {
        synchronized (outstanding) {
            return outstanding.pollFirst();
        }
    }

    synchronized void acknowledged(long seq, long number) {
        if (ackCount * 2 == acks.length) {
            acks = Arrays.copyOf(acks, acks.length * 2);
        }
        acks[ackCount * 2] = seq;
        acks[ackCount * 2 + 1] = number;
        ackCount++;
    }

    private void frame(String frame, long now) {
        if (frame.contains("\"type\":\"message\"")) {
            if (!frame.contains("\"isSent\":false")) {
                return;
            }
            sink.delivered(now);
            if (!persistence || frame.contains(fromField)) {
                sink.reply(this, longField(frame, "\"seq\":"), frame.contains("\"persisted\":true"), now);
            }
        } else if (frame.contains("\"type\":\"connected\"")) {
            connectionId = stringField(frame, "\"connectionId\":\"");
            fromField = "\"from\":\"" + connectionId + "\"";
            connected.complete(connectionId);
        } else if (frame.contains("\"type\":\"error\"")) {
            sink.error(this, stringField(frame, "\"code\":\""));
        }
    }

    private static long longField(String frame, String name) {
        int at = frame.indexOf(name);
        if (at < 0) {
            return -1;
        }
        long value = 0;
        for (int i = at + name.length(); i < frame.length() && Character.isDigit(frame.charAt(i)); i++) {
            value = value * 10 + (frame.charAt(i) - '0');
        }
        return value;
    }

    private static String stringField(String frame, String name) {
        int at = frame.indexOf(name);
        if (at < 0) {
            return "unknown";
        }
        int start = at + name.length();
        return frame.substring(start, frame.indexOf('"', start));
    }

    private final class Listener implements WebSocket.Listener {

        @Override
        public void onOpen(WebSocket webSocket) {
            socket = webSocket;
            webSocket.request(Long.MAX_VALUE);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            long now = System.nanoTime();
            if (last && partial.length() == 0) {
                frame(data.toString(), now);
            } else {
                partial.append(data);
                if (last) {
                    frame(partial.toString(), now);
                    partial.setLength(0);
                }
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            ended("closed " + statusCode + " " + reason);
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            ended("error " + error);
        }

        private void ended(String why) {
            closed = true;
            connected.completeExceptionally(new IllegalStateException(why));
            sink.closed(LoadConnection.this, why);
        }
    }
}
