// The service's counters, read from the Prometheus text of /metrics?scope=application, and the
// rates between two readings. No DOM: the page fetches the text and shows the numbers.

/** Names as ChatMetrics registers them (Payara adds _total to counters and an mp_scope label). */
export const METRIC_NAMES = Object.freeze({
    connections: 'chat_connections_open',
    received: 'chat_messages_received_total',
    persisted: 'chat_messages_persisted_total',
    redisErrors: 'chat_redis_errors_total',
});

/**
 * Parses Prometheus exposition text into a Map of metric name to the sum of its samples (all label
 * sets added up: chat_redis_errors_total has one series per kind). Comments, blank lines and
 * samples that are not numbers are skipped.
 */
export function parsePrometheus(text) {
    const sums = new Map();
    for (const raw of String(text ?? '').split('\n')) {
        const line = raw.trim();
        if (line === '' || line.startsWith('#')) {
            continue;
        }
        const match = /^([A-Za-z_:][A-Za-z0-9_:]*)(\{(?:[^}"]|"(?:[^"\\]|\\.)*")*\})?\s+(\S+)/.exec(line);
        if (!match) {
            continue;
        }
        const value = Number(match[3]);
        if (Number.isNaN(value)) {
            continue;
        }
        sums.set(match[1], (sums.get(match[1]) ?? 0) + value);
    }
    return sums;
}

/** One reading of the counters the console shows; a counter not (yet) exported is 0, a gauge missing null. */
export function readCounters(text, at) {
    const sums = parsePrometheus(text);
    return {
        at,
        connections: sums.has(METRIC_NAMES.connections) ? sums.get(METRIC_NAMES.connections) : null,
        received: sums.get(METRIC_NAMES.received) ?? 0,
        persisted: sums.get(METRIC_NAMES.persisted) ?? 0,
        redisErrors: sums.get(METRIC_NAMES.redisErrors) ?? 0,
    };
}

/**
 * Messages per second between two readings (received by the WebSocket endpoint), null without an
 * earlier reading or when time did not move; a counter that went down (the instance restarted)
 * counts from 0.
 */
export function messagesPerSecond(previous, current) {
    if (!previous || !current) {
        return null;
    }
    const seconds = (current.at - previous.at) / 1000;
    if (!(seconds > 0)) {
        return null;
    }
    const delta = current.received >= previous.received ? current.received - previous.received : current.received;
    return delta / seconds;
}
