package io.redischat.sessions.control;

import java.io.StringReader;
import java.lang.reflect.Proxy;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.concurrent.Future;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;
import jakarta.websocket.RemoteEndpoint;
import jakarta.websocket.SendHandler;
import jakarta.websocket.SendResult;
import jakarta.websocket.Session;

import io.redischat.sessions.entity.ClientIdentity;
import io.redischat.sessions.entity.ExchangeRequest;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.SendLimits;
import io.redischat.sessions.entity.StoredExchange;

/**
 * A {@link SessionFeed} wired to the in-memory store, sockets that record what they are sent, tasks run on the
 * caller's thread, and a fake clock: every interleaving is the test's choice, and nothing waits.
 */
final class FeedHarness {

    static final String SESSION = "s1";

    final InMemoryMessageLog log = new InMemoryMessageLog();
    /** How many message frames were serialized: the feed makes at most two per message (with and without clientId). */
    int messageFramesMade;
    final OutboundFrames frames = new OutboundFrames() {
        @Override
        public String toJson(Record frame) {
            if (frame instanceof MessageFrame) {
                messageFramesMade++;
            }
            return super.toJson(frame);
        }
    };
    final FakeClock clock = new FakeClock();
    final SessionFeed feed;

    FeedHarness() {
        this(SessionFeed.Pacing.UNBOUNDED);
    }

    FeedHarness(SessionFeed.Pacing pacing) {
        feed = new SessionFeed(SESSION, log, frames, new SerialTasks(Runnable::run), clock, "i1", pacing);
    }

    /** A client socket: the frames it was sent, as JSON. */
    static final class Client {
        final ChatConnection connection;
        final List<JsonObject> received = new ArrayList<>();
        boolean open = true;
        /** The close the server asked for, if it did. */
        volatile CloseReason closedWith;
        private int sent;
        /**
         * Sends the container has not finished yet, when this client reads slowly: each completes only when the test
         * drains it. Their bytes are what the server holds for this client.
         */
        private final java.util.ArrayDeque<Runnable> unsent = new java.util.ArrayDeque<>();
        private final boolean slow;
        private long unsentBytes;
        /** The most bytes the server held for this client at once. */
        long mostUnsentBytes;

        Client() {
            this(null);
        }

        /** @param author the client's identity (as from its author_secret); null: the socket alone */
        Client(String author) {
            this(author, 1 << 20, false);
        }

        /**
         * @param sendBufferLimit the connection's chat.connection.send-buffer-bytes
         * @param slow            its sends complete only when the test {@link #drain drains} them
         */
        Client(String author, long sendBufferLimit, boolean slow) {
            this.slow = slow;
            RemoteEndpoint.Async remote = (RemoteEndpoint.Async) Proxy.newProxyInstance(
                    FeedHarness.class.getClassLoader(), new Class<?>[] {RemoteEndpoint.Async.class},
                    (proxy, method, args) -> {
                        if (method.getName().equals("sendText")) {
                            String text = (String) args[0];
                            try (var reader = Json.createReader(new StringReader(text))) {
                                received.add(reader.readObject());
                            }
                            if (args.length > 1 && args[1] instanceof SendHandler handler) {
                                if (this.slow) {
                                    long bytes = text.getBytes(StandardCharsets.UTF_8).length;
                                    unsentBytes += bytes;
                                    mostUnsentBytes = Math.max(mostUnsentBytes, unsentBytes);
                                    unsent.add(() -> {
                                        unsentBytes -= bytes;
                                        handler.onResult(new SendResult());
                                    });
                                } else {
                                    handler.onResult(new SendResult());
                                }
                            }
                        }
                        return method.getReturnType() == Future.class ? null : null;
                    });
            Session socket = (Session) Proxy.newProxyInstance(FeedHarness.class.getClassLoader(),
                    new Class<?>[] {Session.class}, (proxy, method, args) -> switch (method.getName()) {
                        case "isOpen" -> open;
                        case "getAsyncRemote" -> remote;
                        case "getId" -> "socket";
                        case "close" -> {
                            closedWith = args != null && args.length > 0 ? (CloseReason) args[0] : null;
                            open = false;
                            yield null;
                        }
                        default -> null;
                    });
            connection = new ChatConnection(socket, SESSION, new ClientIdentity("unknown", author, null), true,
                    sendBufferLimit, MemoryBudget.UNLIMITED);
        }

        /** Completes every send the container started for this slow client so far; true if there was one. */
        boolean drain() {
            int now = unsent.size();
            for (int i = 0; i < now; i++) {
                unsent.poll().run();
            }
            return now > 0;
        }

        /** Completes the oldest send waiting; true if there was one. */
        boolean drainOne() {
            Runnable next = unsent.poll();
            if (next != null) {
                next.run();
            }
            return next != null;
        }

        /** Drains until the server sends this slow client nothing more. */
        void drainFully() {
            while (drain()) {
                // each completed send may let the feed send more
            }
        }

        /** Waits (a little, on real time) for the close the connection makes on a thread of its own. */
        CloseReason awaitClosed() {
            long until = System.nanoTime() + 5_000_000_000L;
            while (closedWith == null && System.nanoTime() < until) {
                Thread.onSpinWait();
            }
            return closedWith;
        }

        JsonObject connected() {
            JsonObject first = received.get(0);
            if (!"connected".equals(first.getString("type"))) {
                throw new AssertionError("first frame is not connected: " + received);
            }
            return first;
        }

        /** The seqs of the message frames received, in order. */
        List<Long> seqs() {
            return received.stream().filter(frame -> "message".equals(frame.getString("type")))
                    .map(frame -> frame.getJsonNumber("seq").longValue()).toList();
        }

        /** The message frames received, in order. */
        List<JsonObject> messages() {
            return received.stream().filter(frame -> "message".equals(frame.getString("type"))).toList();
        }

        List<String> syncStates() {
            return received.stream().filter(frame -> "sync".equals(frame.getString("type")))
                    .map(frame -> frame.getString("state")).toList();
        }

        /** Sends a message the way the intake does: stored after this connection's earlier writes. */
        java.util.concurrent.CompletableFuture<StoredExchange> write(InMemoryMessageLog log, String content) {
            String key = connection.nextIdempotencyKey();
            return connection.afterPreviousWrite(() -> log.append(new ExchangeRequest(SESSION, content + " " + ++sent,
                    null, connection.author(), key, connection.connectionId(), 1)));
        }
    }

    Client join() {
        return join((ResumePoint) null);
    }

    Client join(ResumePoint resume) {
        return join(null, resume);
    }

    /** A client with an identity that outlives its sockets, as one that sends an author_secret. */
    Client join(String author) {
        return join(author, null);
    }

    Client join(String author, ResumePoint resume) {
        return admit(new Client(author), resume);
    }

    /** A client that reads slowly: the server's sends to it complete only when the test drains them. */
    Client joinSlow(ResumePoint resume, long sendBufferLimit) {
        return admit(new Client(null, sendBufferLimit, true), resume);
    }

    private Client admit(Client client, ResumePoint resume) {
        feed.countIn();
        feed.join(client.connection, resume, new SendLimits(20, 20, 256, 1 << 20, 65536));
        return client;
    }

    /** A client's write whose acknowledgement reaches the feed as the intake passes it on. */
    void writeAndAcknowledge(Client client, String content) {
        client.write(log, content).thenAccept(feed::onExchange);
    }

    /** A message with the client's own id, stored the way the intake stores it: within the client's identity. */
    java.util.concurrent.CompletableFuture<StoredExchange> writeNamed(Client client, String content, String clientId) {
        ChatConnection connection = client.connection;
        return connection.afterPreviousWrite(() -> log.append(new ExchangeRequest(SESSION, content, clientId,
                connection.author(), connection.clientKey(clientId), connection.connectionId(), 1)));
    }

    /** Another instance writes: the feed hears of it only through pub/sub, if at all. */
    StoredExchange writeElsewhere(String content) {
        return log.append(new ExchangeRequest(SESSION, content, null, "cother", "#other." + System.nanoTime(), "other",
                1)).toCompletableFuture().join();
    }

    static final class FakeClock implements SessionFeed.Delays {
        private record Due(long at, long order, Runnable task) {
        }

        private final PriorityQueue<Due> due = new PriorityQueue<>((a, b) -> a.at != b.at
                ? Long.compare(a.at, b.at) : Long.compare(a.order, b.order));
        private long now;
        private long order;

        @Override
        public void after(long millis, Runnable task) {
            due.add(new Due(now + millis, order++, task));
        }

        void advance(long millis) {
            long until = now + millis;
            while (!due.isEmpty() && due.peek().at <= until) {
                Due next = due.poll();
                now = next.at;
                next.task.run();
            }
            now = until;
        }
    }
}
