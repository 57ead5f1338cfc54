package io.redischat.bench;

import java.time.Duration;

/**
 * The shape of one load run: persistence, sockets, sockets per session, message size, and the rate: 0 for the closed
 * loop (each socket sends its next message when the reply to the last one came), else messages a second in all.
 */
record Load(boolean persistence, int connections, int clientsPerSession, int payload, double rate, Duration warmup,
        Duration duration, Duration stall) {

    boolean closedLoop() {
        return rate <= 0;
    }

    Load atRate(double messagesPerSecond) {
        return new Load(persistence, connections, clientsPerSession, payload, messagesPerSecond, warmup, duration, stall);
    }

    String label() {
        return (persistence ? "persisted" : "memory") + " c" + connections + (clientsPerSession > 1
                ? " x" + clientsPerSession + "/session" : "") + " " + (payload >= 1024 ? payload / 1024 + "KiB" : payload + "B")
                + (closedLoop() ? "" : " @" + Math.round(rate) + "/s");
    }
}
