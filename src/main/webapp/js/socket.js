// One WebSocket to one chat session, kept open: after a drop it reconnects with
// exponential backoff (0.5 s, 1 s, 2 s, ... up to 30 s, with jitter) until closed on purpose
// or refused by the server (1008: invalid session id or parameter). Every attempt asks the
// caller where to resume from, so a reconnect only gets what this page has not seen yet.

import { authFrame, isAuthRefusal } from './access.js';

const BACKOFF_START_MS = 500;
const BACKOFF_MAX_MS = 30_000;

const CLOSE_REASONS = {
    1008: 'refused by the server',
    1009: 'message too big for the server',
    1011: 'server error',
    1013: 'client too slow',
};

/**
 * ws(s)://<this page's location>/ws/{sessionId}?redis_persistence=true|false[&author_secret=<secret>]
 * [&since=<seq>[&epoch=<epoch>]][&n=<N>]
 * resume: {since, epoch} (epoch may be null) to get the messages after seq `since` of that epoch replayed.
 * authorSecret: this page's identity for its clientIds (protocol.js authorSecret), the same on every socket.
 * lastNumber: without persistence, the last `Message #N` this page has: the server's replies continue after it.
 */
export function socketUrl(sessionId, redisPersistence, resume = null, authorSecret = null, base = document.baseURI,
    lastNumber = 0) {
    const url = new URL(`ws/${encodeURIComponent(sessionId)}`, base);
    url.protocol = url.protocol === 'https:' ? 'wss:' : 'ws:';
    const query = new URLSearchParams({ redis_persistence: String(Boolean(redisPersistence)) });
    if (authorSecret) {
        query.set('author_secret', authorSecret);
    }
    if (resume && Number.isSafeInteger(resume.since) && resume.since >= 0) {
        query.set('since', String(resume.since));
        if (resume.epoch) {
            query.set('epoch', resume.epoch);
        }
    }
    if (!redisPersistence && Number.isSafeInteger(lastNumber) && lastNumber > 0) {
        query.set('n', String(lastNumber));
    }
    url.search = query.toString();
    url.hash = '';
    return url.href;
}

/** How long to wait before connection attempt n (1, 2, ...): 0.5 s doubling up to 30 s, +-20 % jitter. */
export function backoffDelay(attempt) {
    const base = Math.min(BACKOFF_MAX_MS, BACKOFF_START_MS * 2 ** Math.max(0, attempt - 1));
    return Math.round(base * (0.8 + Math.random() * 0.4));
}

/**
 * resumeFrom() is asked before every attempt: {since, epoch} or null (then the server starts the
 * client at its present; see socketUrl). onOpen(resume) tells which one the open socket used.
 * lastNumber() too, without persistence: the last `Message #N` the page has (see socketUrl).
 *
 * States, as reported to onState({state, ...}):
 *  connecting   {attempt, reconnect}  attempt 1, 2, ... since the last open connection
 *  open         {}
 *  waiting      {attempt, retryAt, reason, code}  (dropped or failed; attempt is the next one, at retryAt)
 *  refused      {reason, code, auth}  (the server will not take this session; no retry; auth: for want of
 *                                     a valid access token)
 *  closed       {}                    (closed by us)
 */
export class ChatSocket {
    #sessionId;
    #redisPersistence;
    #authorSecret;
    #resumeFrom;
    #lastNumber;
    #onFrame;
    #onState;
    #onOpen;
    #accessToken;
    #onAuthRequired;
    #socket = null;
    #attempt = 0;
    #tooSlow = 0; // 1013 closes in a row: each one backs off further, though the socket had opened
    #retryTimer = null;
    #stopped = false;
    #everOpened = false;
    #state = 'closed';
    #onlineListener = () => this.#state === 'waiting' && this.#connectNow();

    /**
     * accessToken() gives the token to answer the server's auth_required with (null: none);
     * onAuthRequired() is told when the server asks for one and there is none.
     */
    constructor({
        sessionId, redisPersistence, authorSecret = null, resumeFrom, lastNumber, onFrame, onState, onOpen,
        accessToken = () => null, onAuthRequired = () => {},
    }) {
        this.#sessionId = sessionId;
        this.#redisPersistence = redisPersistence;
        this.#authorSecret = authorSecret;
        this.#resumeFrom = resumeFrom ?? (() => null);
        this.#lastNumber = lastNumber ?? (() => 0);
        this.#onFrame = onFrame;
        this.#onState = onState;
        this.#onOpen = onOpen;
        this.#accessToken = accessToken;
        this.#onAuthRequired = onAuthRequired;
    }

    get state() {
        return this.#state;
    }

    get isOpen() {
        return this.#socket?.readyState === WebSocket.OPEN;
    }

    open() {
        this.#stopped = false;
        window.addEventListener('online', this.#onlineListener);
        this.#connectNow();
    }

    /** Sends a text frame if connected; false otherwise (the caller keeps it for the next open). */
    send(text) {
        if (!this.isOpen) {
            return false;
        }
        this.#socket.send(text);
        return true;
    }

    close() {
        this.#stopped = true;
        window.removeEventListener('online', this.#onlineListener);
        clearTimeout(this.#retryTimer);
        const socket = this.#socket;
        this.#socket = null;
        if (socket && socket.readyState <= WebSocket.OPEN) {
            socket.close(1000, 'closed by the user');
        }
        this.#setState('closed');
    }

    #connectNow() {
        clearTimeout(this.#retryTimer);
        if (this.#stopped) {
            return;
        }
        this.#attempt += 1;
        this.#setState('connecting', { attempt: this.#attempt, reconnect: this.#everOpened });
        let socket;
        const resume = this.#redisPersistence ? this.#resumeFrom() : null;
        try {
            socket = new WebSocket(socketUrl(this.#sessionId, this.#redisPersistence, resume, this.#authorSecret,
                document.baseURI, this.#redisPersistence ? 0 : this.#lastNumber()));
        } catch (error) {
            this.#scheduleRetry(String(error.message ?? error));
            return;
        }
        this.#socket = socket;
        socket.addEventListener('open', () => {
            if (socket !== this.#socket) {
                return;
            }
            this.#attempt = 0;
            this.#everOpened = true;
            this.#setState('open');
            this.#onOpen?.(resume);
        });
        socket.addEventListener('message', (event) => {
            if (socket !== this.#socket || typeof event.data !== 'string') {
                return;
            }
            let frame;
            try {
                frame = JSON.parse(event.data);
            } catch {
                return; // not ours to interpret
            }
            if (frame?.type === 'auth_required') {
                // access control is on: the token goes first, before anything the page sends
                const token = this.#accessToken();
                if (token) {
                    socket.send(authFrame(token));
                } else {
                    this.#onAuthRequired();
                }
            } else if (frame && typeof frame === 'object') {
                this.#onFrame(frame);
            }
        });
        socket.addEventListener('close', (event) => {
            if (socket !== this.#socket) {
                return;
            }
            this.#socket = null;
            const reason = event.reason || CLOSE_REASONS[event.code] || (event.code === 1006
                ? 'connection lost' : `closed (${event.code})`);
            if (event.code === 1008) {
                this.#stopped = true;
                this.#setState('refused', { reason, code: event.code, auth: isAuthRefusal(event.code, reason) });
                return;
            }
            // 1013: the server dropped us for reading too slowly; coming straight back would only repeat that
            this.#tooSlow = event.code === 1013 ? this.#tooSlow + 1 : 0;
            this.#scheduleRetry(reason, event.code);
        });
    }

    #scheduleRetry(reason, code) {
        if (this.#stopped) {
            return;
        }
        // after n failed attempts in a row the next one waits backoffDelay(n + 1): 0.5 s, 1 s, 2 s, ...
        const next = this.#attempt + 1;
        const delay = backoffDelay(next + this.#tooSlow);
        this.#retryTimer = setTimeout(() => this.#connectNow(), delay);
        this.#setState('waiting', { attempt: next, retryAt: Date.now() + delay, reason, code });
    }

    #setState(state, detail = {}) {
        this.#state = state;
        this.#onState?.({ state, ...detail });
    }
}
