// Redis as the server sees it, checked every few seconds and at once when someone asks (a failed
// history read, an error frame, the page coming back into view). No DOM: the page passes the fetch
// and the timers in and hears about each answer.

export const STATUS_POLL_MS = 3000;

export class RedisStatusPoller {
    #fetchStatus;
    #onStatus;
    #setTimeout;
    #clearTimeout;
    #intervalMs;
    #timer = null;
    #inFlight = false;
    #stopped = false;
    /** The last answer of api.fetchRedisStatus(), null before the first. */
    status = null;
    /** The server's default TTL in seconds, as last reported (kept while the service does not answer). */
    defaultTtl = null;

    /**
     * fetchStatus(): Promise of api.fetchRedisStatus()'s answer; onStatus(status) after each answer.
     * timers: {setTimeout, clearTimeout} (the page's by default).
     */
    constructor({ fetchStatus, onStatus, intervalMs = STATUS_POLL_MS, timers = globalThis }) {
        this.#fetchStatus = fetchStatus;
        this.#onStatus = onStatus;
        this.#intervalMs = intervalMs;
        this.#setTimeout = timers.setTimeout.bind(timers);
        this.#clearTimeout = timers.clearTimeout.bind(timers);
    }

    get connected() {
        return this.status?.connected === true;
    }

    /** Checks now (once, if a check is already on its way), then every intervalMs. */
    async poll() {
        if (this.#inFlight || this.#stopped) {
            return;
        }
        this.#inFlight = true;
        this.#clearTimeout(this.#timer);
        try {
            const status = await this.#fetchStatus();
            this.status = status;
            if (status.defaultTtl !== null && status.defaultTtl !== undefined) {
                this.defaultTtl = status.defaultTtl;
            }
            this.#onStatus(status);
        } finally {
            this.#inFlight = false;
            if (!this.#stopped) {
                this.#timer = this.#setTimeout(() => this.poll(), this.#intervalMs);
            }
        }
    }

    stop() {
        this.#stopped = true;
        this.#clearTimeout(this.#timer);
    }
}
