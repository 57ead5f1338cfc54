// Our own messages on their way: when each one goes out, and what happens when the server refuses it for load.
// DOM-free and driven by a clock (protocol.js keeps one per conversation). It paces the sends under the limits the
// server announced in its connected frame (a token bucket, with a margin below the server's own), sends a message
// again by itself when the server refused it for load (rate_limited, too_many_pending: the error names it by its
// clientId), and gives a message up when that keeps happening or nothing answers it at all: the page then shows it
// failed, with a retry.

/** The server's defaults (chat.connection.*), for a server that does not announce its limits. */
export const DEFAULT_LIMITS = Object.freeze({ messagesPerSecond: 20, messageBurst: 20, maxPendingWrites: 256 });

/**
 * We send at this share of the server's rate, in bursts of this share of its burst: frames that the network
 * bunches up on the way then still arrive within the server's bucket.
 */
const RATE_SHARE = 0.8;
const BURST_SHARE = 0.5;

/** Sends of one message the server may refuse for load before it is given up. */
export const MAX_ATTEMPTS = 5;

/** The pause after the first load refusal of a message; each further one doubles it. */
export const RETRY_PAUSE_MS = 500;

/** A message sent on an open socket that nothing answered for this long is given up (the server answers each one). */
export const ANSWER_TIMEOUT_MS = 10_000;

/** Error codes that mean "not now": the message was dropped unread and may be sent again. */
export const LOAD_REFUSALS = Object.freeze(['rate_limited', 'too_many_pending']);

export class Outbox {
    #now;
    /** clientId -> {attempts (sends so far), sentAt (on the open socket, else null), notBefore} */
    #entries = new Map();
    #rate = 0;
    #burst = 1;
    #maxInFlight = 1;
    #tokens = 0;
    #refilledAt = 0;

    constructor(now = Date.now) {
        this.#now = now;
        this.limit(DEFAULT_LIMITS);
    }

    /** The server's limits (the connected frame's `limits`); what it leaves out, or gives invalid, keeps the default. */
    limit(limits) {
        const pick = (name) => (Number.isSafeInteger(limits?.[name]) && limits[name] >= 0
            ? limits[name] : DEFAULT_LIMITS[name]);
        this.#rate = pick('messagesPerSecond') * RATE_SHARE; // 0: no limit
        this.#burst = Math.max(1, Math.floor(pick('messageBurst') * BURST_SHARE));
        this.#maxInFlight = Math.max(1, Math.floor(pick('maxPendingWrites') / 2));
        this.#tokens = this.#burst; // a new socket: the server's bucket for it is full
        this.#refilledAt = this.#now();
    }

    add(clientId) {
        this.#entries.set(clientId, { attempts: 0, sentAt: null, notBefore: 0 });
    }

    has(clientId) {
        return this.#entries.has(clientId);
    }

    /** It was answered, or is no longer ours to send. */
    forget(clientId) {
        this.#entries.delete(clientId);
    }

    /** The socket is gone: what went out on it goes out again on the next one (its clientId makes that safe). */
    disconnected() {
        this.#entries.forEach((entry) => { entry.sentAt = null; });
    }

    /**
     * The server refused this message for load: it goes out again after a pause that doubles each time, and
     * nothing else goes out before the bucket filled again. After MAX_ATTEMPTS sends it is given up.
     * @returns {boolean} true when it is sent again, false when it was given up
     */
    refused(clientId) {
        const entry = this.#entries.get(clientId);
        if (!entry) {
            return false;
        }
        if (entry.attempts >= MAX_ATTEMPTS) {
            this.#entries.delete(clientId);
            return false;
        }
        const now = this.#now();
        entry.sentAt = null;
        entry.notBefore = now + RETRY_PAUSE_MS * 2 ** Math.max(0, entry.attempts - 1);
        this.#tokens = 0;
        this.#refilledAt = now;
        return true;
    }

    /**
     * What to do now, on a joined socket. order: the clientIds of the messages waiting, oldest first; none
     * overtakes another that waits. @returns {{send: string[], expired: string[], wakeAt: number|null}}: send
     * these now (in this order), give these up (nothing answered them), and ask again at wakeAt.
     */
    due(order) {
        const now = this.#now();
        this.#refill(now);
        const send = [];
        const expired = [];
        let wakeAt = null;
        const wake = (at) => { wakeAt = wakeAt === null ? at : Math.min(wakeAt, at); };
        let inFlight = 0;
        for (const [clientId, entry] of this.#entries) {
            if (entry.sentAt === null) {
                continue;
            }
            if (now - entry.sentAt >= ANSWER_TIMEOUT_MS) {
                expired.push(clientId);
                this.#entries.delete(clientId);
            } else {
                inFlight += 1;
                wake(entry.sentAt + ANSWER_TIMEOUT_MS);
            }
        }
        for (const clientId of order) {
            const entry = this.#entries.get(clientId);
            if (!entry || entry.sentAt !== null) {
                continue;
            }
            if (entry.notBefore > now) {
                wake(entry.notBefore);
                break;
            }
            if (inFlight >= this.#maxInFlight) {
                break; // an answer frees a place
            }
            if (this.#rate > 0 && this.#tokens < 1) {
                wake(now + Math.ceil(((1 - this.#tokens) / this.#rate) * 1000));
                break;
            }
            if (this.#rate > 0) {
                this.#tokens -= 1;
            }
            entry.sentAt = now;
            entry.attempts += 1;
            inFlight += 1;
            send.push(clientId);
        }
        if (send.length > 0) {
            wake(now + ANSWER_TIMEOUT_MS);
        }
        return { send, expired, wakeAt };
    }

    #refill(now) {
        this.#tokens = Math.min(this.#burst, this.#tokens + ((now - this.#refilledAt) / 1000) * this.#rate);
        this.#refilledAt = now;
    }
}
