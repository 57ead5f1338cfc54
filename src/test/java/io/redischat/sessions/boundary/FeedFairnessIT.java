package io.redischat.sessions.boundary;

import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicBoolean;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;
import io.redischat.testsupport.ServiceClient;

/**
 * More busy fan-out sessions than feed threads: every session keeps being answered while the others are busy. A
 * session whose members always have work must not keep a feed thread for itself (the benchmark found whole sessions
 * answering nothing until the load stopped). One feed thread and three sessions make that certain on any machine.
 */
class FeedFairnessIT {

    static final int SESSIONS = 2;
    static final int SOCKETS_PER_SESSION = 30;
    static final Duration LOAD = Duration.ofSeconds(15);
    /** No socket of a busy session goes this long without the answer to its message while the load runs. */
    static final Duration STARVED = Duration.ofSeconds(3);

    static RedisServerProcess redis;
    static PayaraMicroProcess app;

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of(
                "CHANNEL_REDIS_URL", redis.url(),
                "CHAT_FEED_THREADS", "1",
                "CHAT_CONNECTION_MAX_MESSAGES_PER_SECOND", "100000",
                "CHAT_CLIENT_MAX_NEW_SESSIONS_PER_MINUTE", "100000",
                "CHAT_CLIENT_MAX_HANDSHAKES_PER_SECOND", "100000"));
    }

    @AfterAll
    static void stop() {
        app.close();
        redis.close();
    }

    @Test
    void busySessionsTakeTurnsOnTheFeedThreadsAndNoneWaitsForTheOthersToGoQuiet() throws Exception {
        ServiceClient service = app.client();
        String prefix = "fair-" + System.nanoTime() + "-";
        List<ChatSocket> sockets = new ArrayList<>();
        ExecutorService senders = Executors.newFixedThreadPool(SESSIONS * SOCKETS_PER_SESSION);
        try {
            for (int s = 0; s < SESSIONS; s++) {
                for (int c = 0; c < SOCKETS_PER_SESSION; c++) {
                    ChatSocket socket = service.persistentSocket(prefix + s);
                    sockets.add(socket);
                }
            }
            var running = new AtomicBoolean(true);
            var loops = new ArrayList<CompletableFuture<Loop>>();
            for (int i = 0; i < sockets.size(); i++) {
                var loop = new Loop(sockets.get(i), prefix + (i / SOCKETS_PER_SESSION), "c" + i);
                loops.add(CompletableFuture.supplyAsync(() -> loop.run(running), senders));
            }
            Thread.sleep(LOAD.toMillis());
            running.set(false);
            var starved = new ArrayList<String>();
            long roundTrips = 0;
            long longestGap = 0;
            for (CompletableFuture<Loop> future : loops) {
                Loop loop = future.get();
                roundTrips += loop.answered;
                longestGap = Math.max(longestGap, loop.longestGapMillis);
                if (loop.longestGapMillis >= STARVED.toMillis() || loop.failure != null) {
                    starved.add(loop.session + "/" + loop.clientId + ": " + loop.answered + " answered, longest wait "
                            + loop.longestGapMillis + " ms" + (loop.failure == null ? "" : ", " + loop.failure));
                }
            }
            System.out.printf("feed fairness: %d sessions of %d sockets on one feed thread, %d round trips in %d s,"
                    + " longest wait for an answer %d ms%n", SESSIONS, SOCKETS_PER_SESSION, roundTrips,
                    LOAD.toSeconds(), longestGap);
            assertTrue(starved.isEmpty(), "sockets waiting " + STARVED.toSeconds() + " s or more for their answer "
                    + "while other sessions were busy: " + starved);
        } finally {
            senders.shutdownNow();
            sockets.forEach(ChatSocket::close);
        }
    }

    /** One socket in a closed loop: it sends, waits for the reply to its own message, sends again. */
    static final class Loop {
        final ChatSocket socket;
        final String session;
        final String clientId;
        long answered;
        long longestGapMillis;
        String failure;

        Loop(ChatSocket socket, String session, String clientId) {
            this.socket = socket;
            this.session = session;
            this.clientId = clientId;
        }

        Loop run(AtomicBoolean running) {
            long last = System.nanoTime();
            try {
                for (int i = 0; running.get(); i++) {
                    String id = clientId + "-" + i;
                    socket.send("{\"content\":\"m " + i + "\",\"clientId\":\"" + id + "\"}");
                    if (!awaitReply(id, running)) {
                        break;
                    }
                    long now = System.nanoTime();
                    longestGapMillis = Math.max(longestGapMillis, (now - last) / 1_000_000);
                    last = now;
                    answered++;
                }
            } catch (RuntimeException e) {
                failure = e.toString();
            }
            // the wait that the end of the load cut short counts too: a starved socket has no answer at all
            longestGapMillis = Math.max(longestGapMillis, (System.nanoTime() - last) / 1_000_000);
            return this;
        }

        /** Reads the session's frames until the reply to {@code id}; false when the load ended first. */
        private boolean awaitReply(String id, AtomicBoolean running) {
            String reply = "\"clientId\":\"" + id + "\"";
            while (running.get()) {
                String frame = socket.nextFrame(Duration.ofMillis(200));
                if (frame == null) {
                    continue;
                }
                if (frame.contains("\"type\":\"error\"")) {
                    throw new IllegalStateException("error frame: " + frame);
                }
                if (frame.contains(reply) && frame.contains("\"isSent\":false")) {
                    return true;
                }
            }
            return false;
        }
    }
}
