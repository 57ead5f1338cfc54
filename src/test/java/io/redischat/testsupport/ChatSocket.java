package io.redischat.testsupport;

import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.WebSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/** A real WebSocket client for tests: collects text frames and the close code the server sent. */
public final class ChatSocket implements AutoCloseable {

    public record Closed(int code, String reason) {
    }

    private static final HttpClient HTTP = HttpClient.newHttpClient();
    /** Threads that wait for handshakes, as many as are opened at once. */
    private static final java.util.concurrent.ExecutorService OPENERS = java.util.concurrent.Executors
            .newCachedThreadPool(task -> {
                Thread thread = new Thread(task, "chat-socket-opener");
                thread.setDaemon(true);
                return thread;
            });

    private final BlockingQueue<String> frames = new LinkedBlockingQueue<>();
    /** {@code sync} frames (about the live feed itself) are kept apart so message sequences read cleanly. */
    private final BlockingQueue<String> syncFrames = new LinkedBlockingQueue<>();
    private final CompletableFuture<Closed> closed = new CompletableFuture<>();
    private final WebSocket socket;
    private JsonObject connected;
    private volatile boolean reading = true;

    private final String sendOnOpen;

    private ChatSocket(URI uri, java.util.Map<String, String> headers) {
        this(uri, headers, null);
    }

    private ChatSocket(URI uri, java.util.Map<String, String> headers, String sendOnOpen) {
        this.sendOnOpen = sendOnOpen;
        var builder = HTTP.newWebSocketBuilder().connectTimeout(Duration.ofSeconds(10));
        headers.forEach(builder::header);
        this.socket = builder.buildAsync(uri, new Listener())
                .orTimeout(15, TimeUnit.SECONDS)
                .join();
    }

    public static ChatSocket connect(URI uri) {
        return new ChatSocket(uri, java.util.Map.of());
    }

    /** Connects with extra handshake headers (an Origin, say); throws if the server refuses the handshake. */
    public static ChatSocket connect(URI uri, java.util.Map<String, String> headers) {
        return new ChatSocket(uri, headers);
    }

    /**
     * Connects and sends {@code text} from the socket's open callback, before any frame of the server was read: the
     * way browser clients that send in {@code onopen} behave.
     */
    public static CompletableFuture<ChatSocket> connectSendingOnOpen(URI uri, String text) {
        return CompletableFuture.supplyAsync(() -> new ChatSocket(uri, java.util.Map.of(), text), OPENERS);
    }

    /** Consumes the server's {@code connected} frame; returns at once if the server closes the socket instead. */
    public ChatSocket awaitConnected() {
        connected = awaitConnectedFrame();
        return this;
    }

    /** The {@code connected} frame the server sent first, or null if it closed the socket instead. */
    public JsonObject connectedFrame() {
        return connected;
    }

    private JsonObject awaitConnectedFrame() {
        Optional<JsonObject> first = Await.value(() -> {
            if (closed.isDone()) {
                return Optional.empty();
            }
            String frame = nextFrame(Duration.ofMillis(100));
            if (frame == null) {
                return null;
            }
            if (!frame.contains("\"type\":\"connected\"")) {
                throw new AssertionError("expected a connected frame first, got " + frame);
            }
            return Optional.of(parse(frame));
        }, Duration.ofSeconds(10), Duration.ZERO, "a connected frame");
        return first.orElse(null);
    }

    public ChatSocket send(String text) {
        socket.sendText(text, true).orTimeout(10, TimeUnit.SECONDS).join();
        return this;
    }

    /** The next text frame, or null when none arrived in time. */
    public String nextFrame(Duration timeout) {
        try {
            return frames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    public static JsonObject json(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }

    public JsonObject nextJson() {
        String frame = nextFrame(Duration.ofSeconds(10));
        if (frame == null) {
            throw new AssertionError("no frame within 10 s" + (closed.isDone() ? "; closed: " + closed.join() : ""));
        }
        return parse(frame);
    }

    /**
     * Sends one message of a persisted session and reads what it brings: its user frame when Redis stored it (the
     * reply is read too), or null when it was not stored (the reply and the error frame are read too).
     */
    public JsonObject sendOnce(String text) {
        send(text);
        JsonObject sent = nextJson();
        nextJson();
        if (sent.getBoolean("persisted")) {
            return sent;
        }
        nextJson(); // the error frame
        return null;
    }

    /** The next {@code n} frames as JSON. */
    public List<JsonObject> nextJson(int n) {
        var list = new ArrayList<JsonObject>();
        for (int i = 0; i < n; i++) {
            list.add(nextJson());
        }
        return list;
    }

    /**
     * Sends numbered messages ({@code content 0}, {@code content 1}, ...) until Redis stores one, for 15 s at the
     * most; skips the frames earlier sends left, and reads the stored one's reply.
     */
    public void sendUntilStored(String content) {
        while (nextFrame(Duration.ofMillis(500)) != null) {
            // drain what earlier sends left
        }
        var tries = new AtomicInteger();
        Await.until(() -> {
            String tagged = content + " " + tries.getAndIncrement();
            send(tagged);
            JsonObject answer;
            do {
                answer = nextJson();
            } while (!tagged.equals(answer.getString("content", "")));
            return answer.getBoolean("persisted");
        }, Duration.ofSeconds(15), Duration.ofMillis(100), "storing to resume");
        nextJson(); // its reply
    }

    /** The next {@code sync} frame, or null when none arrived in time. */
    public JsonObject nextSync(Duration timeout) {
        try {
            String frame = syncFrames.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
            return frame == null ? null : parse(frame);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            return null;
        }
    }

    /** Stops reading from the network, like a client that hangs: the server's frames pile up in the sockets. */
    public void stopReading() {
        reading = false;
    }

    public void resumeReading() {
        reading = true;
        socket.request(1);
    }

    public boolean hasPendingFrames() {
        return !frames.isEmpty();
    }

    public Closed awaitClose(Duration timeout) {
        return closed.orTimeout(timeout.toMillis(), TimeUnit.MILLISECONDS).join();
    }

    public boolean isOpen() {
        return !closed.isDone() && !socket.isInputClosed();
    }

    @Override
    public void close() {
        if (!socket.isOutputClosed()) {
            try {
                socket.sendClose(WebSocket.NORMAL_CLOSURE, "bye").orTimeout(5, TimeUnit.SECONDS).join();
            } catch (RuntimeException ignored) {
                // already gone
            }
        }
        socket.abort();
    }

    private static JsonObject parse(String frame) {
        try (var reader = Json.createReader(new StringReader(frame))) {
            return reader.readObject();
        }
    }

    private final class Listener implements WebSocket.Listener {
        private final StringBuilder partial = new StringBuilder();

        @Override
        public void onOpen(WebSocket webSocket) {
            if (sendOnOpen != null) {
                webSocket.sendText(sendOnOpen, true);
            }
            webSocket.request(1);
        }

        @Override
        public CompletionStage<?> onText(WebSocket webSocket, CharSequence data, boolean last) {
            partial.append(data);
            if (last) {
                String frame = partial.toString();
                (frame.startsWith("{\"type\":\"sync\"") ? syncFrames : frames).add(frame);
                partial.setLength(0);
            }
            if (reading) {
                webSocket.request(1);
            }
            return null;
        }

        @Override
        public CompletionStage<?> onClose(WebSocket webSocket, int statusCode, String reason) {
            closed.complete(new Closed(statusCode, reason));
            return null;
        }

        @Override
        public void onError(WebSocket webSocket, Throwable error) {
            closed.complete(new Closed(-1, String.valueOf(error)));
        }
    }
}
