// The chat protocol of one session, without DOM or I/O: given the server's frames, the socket's state,
// the user's sends and the history the REST API returned, it decides what the conversation becomes
// and where the session's card stands (epoch, last seq, TTL, own connection ids), and returns what the
// page has to do about it as a list of effects. The page (app.js) carries them out:
//
//  {type: 'send', text}              send this text frame on the open socket
//  {type: 'readHistory', ticket}     read the session's history (REST) and hand it to historyAnswered()
//  {type: 'notice', text, kind}      show this notice in the chat ('' clears it)
//  {type: 'sync', state, reason}     the server's live feed: null (fine) or 'interrupted'; reason 'redis_down'
//                                    when this page found Redis down (not the server's sync frame)
//  {type: 'render'}                  the conversation changed
//  {type: 'sessionChanged'}          the card changed: save the cards
//  {type: 'ttlChanged'}              the card's TTL changed: show it (and save the cards)
//  {type: 'messagesChanged'}         a localStorage session's delivered messages changed: save them
//  {type: 'checkRedis'}              ask the server about Redis now
//  {type: 'wake', at}                call tick() at this time (epoch ms): a paced or retried send is due
//  {type: 'unsentChanged'}           our messages not answered yet (pending or failed) changed: save unsent()
//
// The README's "WebSocket protocol" section is the contract this follows.

import { Conversation, keys } from './conversation.js';
import { LOAD_REFUSALS, Outbox } from './outbox.js';
import { historyLossText, rememberConnection, resumePoint } from './sessions.js';

/** The server's message limit before its first connected frame says what it is (chat.message.max-bytes' default). */
export const FALLBACK_MAX_MESSAGE_BYTES = 64 * 1024;

/** A server says "resumed" only where the session has a history: after this long, an interruption it never ended is over. */
export const SYNC_SETTLE_MS = 10_000;

/** What the chat says instead of "No messages yet" while Redis cannot be asked for the history. */
export const HISTORY_DOWN_TEXT = 'Redis is down: history cannot be loaded';

/** The history answer's empty_reason that tells why a history this page knew is gone (see historyLossText). */
const LOSS_CAUSES = Object.freeze({ expired: 'expired', never_persisted: 'lost' });

/** The divider's words: why Redis no longer holds what is above it. */
const dividerText = (why) => `${why}. The messages above are no longer in Redis.`;

const RENDER = Object.freeze({ type: 'render' });
const SESSION_CHANGED = Object.freeze({ type: 'sessionChanged' });
const TTL_CHANGED = Object.freeze({ type: 'ttlChanged' });
const MESSAGES_CHANGED = Object.freeze({ type: 'messagesChanged' });
const CHECK_REDIS = Object.freeze({ type: 'checkRedis' });
const UNSENT_CHANGED = Object.freeze({ type: 'unsentChanged' });
const notice = (text, kind = 'info') => ({ type: 'notice', text, kind });

const REPLY_NUMBER = /^Message #(\d+): /;

/** The largest N of the server's replies "Message #N: ..." among these messages, 0 for none. */
export function lastReplyNumber(messages) {
    let last = 0;
    for (const m of messages) {
        const match = !m.isSent && typeof m.content === 'string' ? REPLY_NUMBER.exec(m.content) : null;
        if (match && Number.isSafeInteger(Number(match[1]))) {
            last = Math.max(last, Number(match[1]));
        }
    }
    return last;
}

const epochOf = (frame) => (typeof frame.epoch === 'string' ? frame.epoch : null);
const utf8Bytes = (text) => new TextEncoder().encode(text).length;
const kib = (bytes) => `${Math.floor(bytes / 1024)} KiB`;

/** The browser's cryptographic random source: fills a typed array. */
const cryptoRandom = (array) => globalThis.crypto.getRandomValues(array);

/** base64url (RFC 4648 §5) without padding: letters, digits, '-' and '_'. */
export function base64url(bytes) {
    let binary = '';
    bytes.forEach((b) => { binary += String.fromCharCode(b); });
    return btoa(binary).replace(/\+/g, '-').replace(/\//g, '_').replace(/=+$/, '');
}

/**
 * Client ids for our messages: one per message, so one re-sent after a reconnect is stored once. 128 random bits
 * (22 characters of base64url, within the server's [A-Za-z0-9._:|-]{1,64}): an id says nothing about the next one.
 */
export function clientIdSource(random = cryptoRandom) {
    return () => base64url(random(new Uint8Array(16)));
}

/**
 * This tab's author secret: sent with every socket's handshake (author_secret), so the server knows a reconnected
 * socket as the same client. Our clientIds count only within it, and only sockets with it get them back. The page
 * keeps it in the tab's sessionStorage with the messages not answered yet, so that one sent again after a reload is
 * still recognized (stored once). 256 random bits, 43 characters of base64url.
 */
export function authorSecret(random = cryptoRandom) {
    return base64url(random(new Uint8Array(32)));
}

/**
 * The page's shared view of the server, filled by whichever socket learns it: {maxMessageBytes}.
 * Kept across sockets and sessions, so the limit of the last connected frame holds until the next.
 */
export function serverLimits() {
    return { maxMessageBytes: null };
}

export class ChatProtocol {
    /** The session's card: {id, persistence, epoch, lastSeq, expiresAt, connectionIds}; changed in place. */
    session;
    conversation;
    // about the socket attached now (attach() starts over)
    /** {state, ...} as socket.js reports it. */
    connection = { state: 'idle' };
    /** The {since, epoch} the open socket resumed from, or null. */
    resume = null;
    /** The open socket's connected frame came: from here on every message of the session reaches us. */
    joined = false;
    /** This socket's connection id, from its connected frame (newer servers). */
    connectionId = null;
    /** The server's live feed: null (fine) or 'interrupted', since when, and why ('redis_down': this page found it so). */
    sync = null;
    syncSince = 0;
    syncReason = null;
    /** The last history read failed because Redis is down: the chat cannot show the history. */
    historyDown = false;
    /**
     * The last time Redis lost the history or it expired, as this chat said it: {cause, restarted, divider (key or
     * null), confirmed (a history answer said why)}, or null.
     */
    loss = null;
    /** Redis was down (or the live feed interrupted) since the history was last known to be there. */
    sawRedisDown = false;
    /** The expiresAt whose running out was checked with a history read already. */
    #expiryChecked = null;
    /** Why the conversation is incomplete: 'gap' (a sync frame), 'resume' (a resume not recovered), 'down' (either,
     * and then Redis was down for the read), 'loss' (the history is gone), or null. */
    #incompleteBy = null;

    #now;
    #defaultTtl;
    #limits;
    #outbox;

    /**
     * session: the card; messages: what the conversation starts with (a localStorage session's); unsent: our
     * messages the last page of this tab had not seen answered (unsent()), sent again once joined;
     * now(): the clock; defaultTtl(): the server's TTL in seconds or null; limits: serverLimits().
     */
    constructor({
        session, messages = [], unsent = [], now = Date.now, defaultTtl = () => null, limits = serverLimits(),
    }) {
        this.session = session;
        this.conversation = new Conversation(messages);
        this.#now = now;
        this.#defaultTtl = defaultTtl;
        this.#limits = limits;
        this.#outbox = new Outbox(now);
        for (const m of unsent) {
            const failed = m.status === 'failed';
            this.conversation.put({
                key: keys.pending(m.clientId), clientId: m.clientId, content: m.content, timestamp: m.timestamp,
                isSent: true, status: failed ? 'failed' : 'pending', note: failed ? m.note : undefined,
            });
            if (!failed) {
                this.#outbox.add(m.clientId);
            }
        }
    }

    get #redis() {
        return this.session.persistence === 'redis';
    }

    /** The largest text frame the server takes, in UTF-8 bytes. */
    get maxMessageBytes() {
        return this.#limits.maxMessageBytes ?? FALLBACK_MAX_MESSAGE_BYTES;
    }

    /** The connection ids of this browser in the session: messages `from` them are ours. */
    get ownConnectionIds() {
        return this.session.connectionIds ?? [];
    }

    /** Where a (re)connect resumes (see sessions.resumePoint). */
    resumePoint() {
        return resumePoint(this.session);
    }

    /**
     * Without Redis the page keeps the count of `Message #N` (in the conversation, which a localStorage session
     * keeps across reloads), and a new socket continues it (the handshake's `n`); with Redis N is the session's.
     */
    lastNumber() {
        return this.#redis ? 0 : lastReplyNumber(this.conversation.all());
    }

    /** Our messages not answered yet, as the page keeps them across a reload: [{clientId, content, timestamp, status, note}]. */
    unsent() {
        return this.conversation.all()
            .filter((m) => (m.status === 'pending' || m.status === 'failed') && typeof m.clientId === 'string')
            .map(({ clientId, content, timestamp, status, note }) => ({ clientId, content, timestamp, status, note }));
    }

    /** A new socket is about to open for this conversation: what concerned the last one is over. */
    attach() {
        this.#outbox.disconnected();
        this.connection = { state: 'idle' };
        this.resume = null;
        this.joined = false;
        this.connectionId = null;
        this.sync = null;
        this.syncSince = 0;
        this.syncReason = null;
    }

    /** The socket opened, resuming from resume ({since, epoch} or null). */
    opened(resume) {
        this.resume = resume ?? null;
    }

    /** The socket's state changed (socket.js' onState). */
    connectionChanged(detail) {
        this.connection = detail;
        if (detail.state !== 'open') {
            this.joined = false;
            this.connectionId = null;
            this.#outbox.disconnected();
        }
        if (detail.state === 'waiting' && detail.code === 1009) {
            // re-sending what was too big would only close the next connection too
            const pending = this.conversation.pending();
            const note = `too big for the server (limit ${kib(this.maxMessageBytes)})`;
            pending.forEach((m) => this.#fail(m, note));
            return pending.length > 0 ? [RENDER, UNSENT_CHANGED] : [];
        }
        return [];
    }

    // ---------------------------------------------------------------- the user

    /**
     * The user sends text, to go out with this clientId.
     * @returns {{error: string}|{effects: object[]}}
     */
    send(text, clientId) {
        if (text.trim() === '') {
            return { effects: [] };
        }
        if (this.connection.state === 'refused') {
            return { error: 'This session is refused by the server; messages cannot be sent.' };
        }
        const frame = JSON.stringify({ content: text, clientId });
        const bytes = utf8Bytes(frame);
        if (bytes > this.maxMessageBytes) {
            return { error: `Message too long: ${Math.ceil(bytes / 1024)} KiB, the limit is ${kib(this.maxMessageBytes)}.` };
        }
        this.conversation.put({
            key: keys.pending(clientId), clientId, content: text, timestamp: this.#now(), isSent: true, status: 'pending',
        });
        this.#outbox.add(clientId);
        // before the connected frame it stays pending and goes out after it
        return { effects: [...this.#pump(), notice(''), RENDER, UNSENT_CHANGED] };
    }

    /**
     * The user retries a message that failed (its key): it goes out again with the same clientId, so should the
     * server have stored it after all, it is stored once. @returns {{error: string}|{effects: object[]}}
     */
    retry(key) {
        const message = this.conversation.get(key);
        if (!message || message.status !== 'failed' || typeof message.clientId !== 'string') {
            return { effects: [] };
        }
        if (this.connection.state === 'refused') {
            return { error: 'This session is refused by the server; messages cannot be sent.' };
        }
        const bytes = utf8Bytes(JSON.stringify({ clientId: message.clientId, content: message.content }));
        if (bytes > this.maxMessageBytes) {
            return { error: `Message too long: ${Math.ceil(bytes / 1024)} KiB, the limit is ${kib(this.maxMessageBytes)}.` };
        }
        this.conversation.put({ ...message, status: 'pending', note: undefined });
        this.#outbox.add(message.clientId);
        return { effects: [...this.#pump(), RENDER, UNSENT_CHANGED] };
    }

    /** The time a wake effect asked for came: what is due goes out. */
    tick() {
        return this.#pump();
    }

    /**
     * Sends what the outbox says is due (paced under the server's limits, in the order typed), fails what nothing
     * answered, and asks to be woken for the next. clientId first: a server that must refuse the frame unread
     * still finds it.
     */
    #pump() {
        if (!this.joined) {
            return [];
        }
        const waiting = this.conversation.pending()
            .sort((a, b) => a.timestamp - b.timestamp || a.arrival - b.arrival);
        const { send, expired, wakeAt } = this.#outbox.due(waiting.map((m) => m.clientId));
        const byId = new Map(waiting.map((m) => [m.clientId, m]));
        const effects = send.map((clientId) => ({
            type: 'send', text: JSON.stringify({ clientId, content: byId.get(clientId).content }),
        }));
        expired.forEach((clientId) => this.#fail(byId.get(clientId), 'no answer from the server'));
        if (expired.length > 0) {
            effects.push(RENDER, UNSENT_CHANGED);
        }
        if (wakeAt !== null) {
            effects.push({ type: 'wake', at: wakeAt });
        }
        return effects;
    }

    /** Our message finally failed: shown so, with its retry; not sent again by itself. */
    #fail(message, note) {
        this.#outbox.forget(message.clientId);
        this.conversation.put({ ...message, status: 'failed', note });
    }

    // ---------------------------------------------------------------- the server's frames

    /** A frame from the socket (parsed JSON). */
    receive(frame) {
        if (!frame || typeof frame !== 'object' || (frame.sessionId && frame.sessionId !== this.session.id)) {
            return [];
        }
        switch (frame.type) {
            case 'message': return this.#message(frame);
            case 'connected': return this.#connected(frame);
            case 'sync': return this.#redis ? this.#syncFrame(frame) : [];
            case 'error': return this.#error(frame);
            default: return []; // other frame types are for later versions of the protocol
        }
    }

    /** The server's first frame on a socket: from here on every message of the session reaches us. */
    #connected(frame) {
        const effects = [];
        this.joined = true;
        if (typeof frame.connectionId === 'string' && frame.connectionId !== '') {
            this.connectionId = frame.connectionId;
            if (rememberConnection(this.session, frame.connectionId)) {
                effects.push(SESSION_CHANGED);
            }
        }
        // with access control the token's subject is the `from` of this page's messages, on every device
        if (typeof frame.subject === 'string' && rememberConnection(this.session, frame.subject)) {
            effects.push(SESSION_CHANGED);
        }
        if (Number.isSafeInteger(frame.maxMessageBytes) && frame.maxMessageBytes > 0) {
            this.#limits.maxMessageBytes = frame.maxMessageBytes;
        }
        effects.push(...this.#setSync(null)); // a new socket: whatever was interrupted concerned the last one
        if (this.#redis && frame.persistence === true) {
            const epoch = epochOf(frame);
            if (this.resume && frame.recovered !== true && epoch !== null && epoch !== this.session.epoch) {
                // the history we followed is gone: another began (its history answer tells why)
                effects.push(...this.#historyGone(epoch));
            } else if (this.resume && frame.recovered !== true) {
                // trimmed, expired, Redis lost its data, or Redis is down: the history answer tells which
                effects.push(...this.#historyIncomplete('resume'));
            } else if (!this.conversation.loaded || this.conversation.incomplete) {
                // the first connect in this page (a recovered resume after a reload brings only what came
                // after the stored seq): the rest comes from Redis
                effects.push(this.#readHistory());
            }
        }
        // what was typed before this socket joined, or not answered on the last one, goes out now, paced under the
        // limits this server announces; unless its size limit turns out smaller
        let failed = false;
        for (const message of this.conversation.pending()) {
            const text = JSON.stringify({ clientId: message.clientId, content: message.content });
            if (utf8Bytes(text) > this.maxMessageBytes) {
                this.#fail(message, `too long (limit ${kib(this.maxMessageBytes)})`);
                failed = true;
            }
        }
        if (failed) {
            effects.push(RENDER, UNSENT_CHANGED);
        }
        this.#outbox.limit(frame.limits);
        effects.push(...this.#pump());
        return effects;
    }

    /** Sync frames tell about the server's live feed of the session. */
    #syncFrame(frame) {
        if (frame.state === 'interrupted') {
            this.sawRedisDown = true;
            return this.#setSync('interrupted');
        }
        const effects = this.#setSync(null);
        const epoch = epochOf(frame);
        if (epoch !== this.session.epoch && (frame.state === 'reset' || (frame.recovered !== true && epoch !== null))) {
            // the history started over (epoch null: none yet): Redis lost it or it expired
            effects.push(...this.#historyGone(epoch));
        } else if (frame.recovered !== true && frame.state !== 'reset') {
            // gap: messages were trimmed before they reached us
            effects.push(...this.#historyIncomplete('gap'));
        } else {
            this.sawRedisDown = false; // resumed: nothing was lost
        }
        return effects;
    }

    #message(frame) {
        if (typeof frame.content !== 'string') {
            return [];
        }
        const { session, conversation } = this;
        const effects = [];
        const stored = frame.persisted === true && typeof frame.epoch === 'string' && Number.isSafeInteger(frame.seq);
        // ours has arrived, first time or again (a resent message is answered as a duplicate)
        const pendingKey = frame.isSent && frame.clientId ? keys.pending(frame.clientId) : null;
        const wasPending = pendingKey !== null && conversation.has(pendingKey);
        if (wasPending) {
            conversation.delete(pendingKey);
            this.#outbox.forget(frame.clientId);
            // answered: its place among those in flight is free for the next
            effects.push(UNSENT_CHANGED, ...this.#pump());
        }
        let key;
        if (stored) {
            if (this.#redis && session.epoch && frame.epoch !== session.epoch) {
                // a new history without the reset frame that should have said so
                effects.push(...this.#historyGone(frame.epoch));
            }
            key = keys.stored(frame.epoch, frame.seq);
            if (conversation.has(key)) {
                return wasPending ? [...effects, RENDER] : effects; // seen already: replayed, or in the history read
            }
        } else if (frame.clientId) {
            key = keys.unstored(frame.clientId, frame.isSent);
        } else {
            key = conversation.nextUnnamedKey();
        }
        conversation.put({
            key,
            content: frame.content,
            timestamp: Number.isFinite(frame.timestamp) ? frame.timestamp : this.#now(),
            isSent: Boolean(frame.isSent),
            seq: stored ? frame.seq : undefined,
            epoch: stored ? frame.epoch : undefined,
            from: typeof frame.from === 'string' ? frame.from : undefined,
            note: this.#redis && !stored ? 'not stored in Redis' : undefined,
        });
        if (stored && this.#redis) {
            if (!session.epoch) {
                session.epoch = frame.epoch;
                session.lastSeq = 0;
            }
            session.lastSeq = Math.max(session.lastSeq ?? 0, frame.seq);
            const defaultTtl = this.#defaultTtl();
            if (defaultTtl !== null && defaultTtl !== undefined) {
                session.expiresAt = this.#now() + defaultTtl * 1000; // every write restarts the sliding TTL
                effects.push(TTL_CHANGED);
            }
            effects.push(SESSION_CHANGED);
        }
        if (session.persistence === 'localStorage') {
            effects.push(MESSAGES_CHANGED);
        }
        effects.push(RENDER);
        return effects;
    }

    #error(frame) {
        const text = typeof frame.message === 'string' && frame.message ? frame.message : String(frame.code);
        const pending = frame.clientId ? this.conversation.get(keys.pending(frame.clientId)) : undefined;
        if (frame.code === 'redis_unavailable') {
            // the message itself still comes (persisted:false); only storing failed
            this.sawRedisDown = true;
            return [notice(text.charAt(0).toUpperCase() + text.slice(1), 'warn'), CHECK_REDIS];
        }
        if (pending && LOAD_REFUSALS.includes(frame.code) && this.#outbox.refused(frame.clientId)) {
            // dropped unread: it goes out again by itself, after a pause
            this.conversation.put({ ...pending, status: 'pending', note: 'server busy, sending again' });
            return [...this.#pump(), RENDER];
        }
        if (pending) {
            this.#fail(pending, text);
            return [RENDER, UNSENT_CHANGED];
        }
        return [notice(`Server: ${text}`, 'error')];
    }

    #setSync(state, reason = null) {
        if (this.sync === state && this.syncReason === reason) {
            return [];
        }
        this.sync = state;
        this.syncReason = reason;
        this.syncSince = this.#now();
        return [reason ? { type: 'sync', state, reason } : { type: 'sync', state }];
    }

    /**
     * Messages were lost to this page, or may have been: the history answer tells what Redis holds (and whether
     * the history is the one this page followed), and replaces what is shown of it.
     */
    #historyIncomplete(by) {
        this.conversation.incomplete = true;
        this.#incompleteBy = by;
        return [notice('Some messages did not reach this page: reading what Redis holds…', 'warn'), RENDER,
            this.#readHistory()];
    }

    /**
     * Redis no longer holds the history this page followed: it expired, or Redis lost it; epoch: the history
     * there is now (null: none). Says why (cause: as a history answer tells it; else as the TTL's clock tells it,
     * until an answer does), keeps what is shown above a divider, and reads the new history (read: false when
     * applying an answer already). A page that knew of no history just takes the new one.
     */
    #historyGone(epoch, { cause = null, read = true } = {}) {
        const { session, conversation } = this;
        const knewHistory = session.epoch !== null && session.epoch !== undefined;
        const effects = [];
        conversation.incomplete = true;
        this.#incompleteBy = 'loss';
        if (knewHistory) {
            const restarted = this.sawRedisDown;
            const finalCause = cause ?? this.#causeByClock();
            const text = this.#lossText(finalCause, restarted);
            const divider = conversation.archive({ text: dividerText(text), cause: finalCause });
            this.loss = { cause: finalCause, restarted, divider, confirmed: cause !== null };
            this.sawRedisDown = false;
            effects.push(notice(`${text}.`, 'warn'));
        }
        if (epoch !== session.epoch || knewHistory) {
            session.epoch = epoch;
            session.lastSeq = 0;
            effects.push(SESSION_CHANGED);
        }
        effects.push(RENDER);
        if (read) {
            effects.push(this.#readHistory());
        }
        return effects;
    }

    /** Why the history is gone as far as the card's TTL tells: it had run out, or not (then Redis lost it). */
    #causeByClock() {
        const { expiresAt } = this.session;
        if (expiresAt === null || expiresAt === undefined) {
            return 'unknown';
        }
        return this.#now() >= expiresAt - 1000 ? 'expired' : 'lost';
    }

    #lossText(cause, restarted) {
        return historyLossText(cause, { ttl: this.#defaultTtl() ?? null, restarted });
    }

    /** A history answer says why the history is gone (a loss told first by the clock or by a frame): so it is said. */
    #confirmLoss(cause) {
        const { loss, conversation } = this;
        if (!loss || loss.confirmed) {
            return [];
        }
        loss.confirmed = true;
        if (loss.cause === cause) {
            return [];
        }
        loss.cause = cause;
        const text = this.#lossText(cause, loss.restarted);
        if (loss.divider && conversation.has(loss.divider)) {
            conversation.put({ ...conversation.get(loss.divider), text: dividerText(text), cause });
        }
        return [notice(`${text}.`, 'warn'), RENDER];
    }

    /** The chat's placeholder while it shows no message, when it is not the usual one (null). */
    get emptyText() {
        return this.#redis && this.historyDown ? HISTORY_DOWN_TEXT : null;
    }

    // ---------------------------------------------------------------- the history (REST)

    /** A history read of this conversation, decided here so its mark is taken at the moment it was decided. */
    #readHistory() {
        return { type: 'readHistory', ticket: this.startHistoryRead() };
    }

    /**
     * A history read starts: {request, mark}. mark: the conversation's mark() now; what arrives after it
     * is newer than the answer. Every start is ended by endHistoryRead().
     */
    startHistoryRead() {
        this.conversation.reading += 1;
        return { request: this.conversation.newHistoryRequest(), mark: this.conversation.mark() };
    }

    endHistoryRead() {
        this.conversation.reading -= 1;
    }

    /** No newer read was started after this one. */
    isLatestHistoryRead(ticket) {
        return this.conversation.isLatestHistoryRequest(ticket.request);
    }

    /**
     * The answer to a read this protocol asked for (readHistory). latest: no newer read was started
     * meanwhile and the card still exists; else the answer is not applied.
     */
    historyAnswered(result, ticket, latest) {
        if (!latest) {
            return []; // a newer read is on its way, or the card is gone
        }
        if (result.ok) {
            return this.applyHistory(result, ticket.mark);
        }
        if (result.status === 503) {
            this.historyDown = true;
            if (this.#incompleteBy === 'gap' || this.#incompleteBy === 'resume') {
                this.#incompleteBy = 'down';
            }
            this.sawRedisDown = true;
            return [notice(`${HISTORY_DOWN_TEXT}; it loads when Redis is back.`, 'warn'),
                ...(this.sync === 'interrupted' ? [] : this.#setSync('interrupted', 'redis_down')), RENDER, CHECK_REDIS];
        }
        return this.conversation.incomplete
            ? [notice(`Some messages did not reach this page, and the history could not be read: ${result.error}`, 'warn')]
            : [];
    }

    /**
     * Takes in the session's history as the REST API returned it (api.fetchSessionMessages). mark: the
     * conversation's mark() when the request went out; what arrived after it is newer than the answer and
     * stays. When the history is incomplete the answer replaces every delivered message older than the
     * mark; otherwise it only adds.
     */
    applyHistory(result, mark) {
        const { session, conversation } = this;
        const epoch = typeof result.epoch === 'string' ? result.epoch : null;
        const effects = [];
        const cause = epoch === null ? LOSS_CAUSES[result.emptyReason] ?? null : null;
        const wasDown = this.historyDown;
        const incompleteBy = this.#incompleteBy;
        this.historyDown = false;
        if (session.epoch && epoch !== session.epoch) {
            if (conversation.all().some((m) => m.arrival > mark && m.epoch === session.epoch)) {
                // frames of the session's history came after this read went out: the answer is older than they are
                return [...(cause ? this.#confirmLoss(cause) : []), RENDER,
                    ...(conversation.incomplete ? [this.#readHistory()] : [])];
            }
            if (!conversation.incomplete && epoch !== null) {
                // another history than the one this chat follows: its socket says what happened (a reset frame, or
                // recovered:false on the next connect), and then it is replaced
                return this.ttlFromHistory(result);
            }
            // Redis says the history this chat follows is gone (and why, when it holds none)
            effects.push(...this.#historyGone(epoch, { cause, read: false }));
        } else if (cause) {
            effects.push(...this.#confirmLoss(cause));
        } else if (epoch !== null && epoch === session.epoch) {
            this.sawRedisDown = false; // the history outlived whatever happened to Redis
        }
        const replace = conversation.incomplete;
        const listed = [];
        for (const m of result.messages) {
            if (typeof m?.content === 'string' && Number.isSafeInteger(m.seq) && epoch !== null) {
                listed.push({
                    key: keys.stored(epoch, m.seq), content: m.content, timestamp: m.timestamp,
                    isSent: Boolean(m.isSent), seq: m.seq, epoch,
                    from: typeof m.from === 'string' ? m.from : undefined,
                });
            }
        }
        if (replace) {
            // what Redis no longer holds of this history goes; messages never stored, and earlier eras, stay
            const listedKeys = new Set(listed.map((m) => m.key));
            for (const m of conversation.all()) {
                if (!m.status && m.epoch && m.era === conversation.era && m.arrival <= mark && !listedKeys.has(m.key)) {
                    conversation.delete(m.key);
                }
            }
        }
        listed.forEach((m) => conversation.put(m));
        conversation.loaded = true;
        conversation.incomplete = false;
        this.#incompleteBy = null;
        // frames of another epoch that came in meanwhile know better where the session is
        if (!conversation.all().some((m) => m.arrival > mark && m.epoch && m.epoch !== epoch)) {
            session.epoch = epoch;
            session.lastSeq = epoch === null ? 0 : Math.max(result.lastSeq ?? 0, conversation.newestSeq(epoch));
        }
        effects.push(...this.ttlFromHistory(result));
        if (!effects.some((e) => e.type === 'notice')) {
            if (replace && (incompleteBy === 'gap' || incompleteBy === 'resume')) {
                effects.push(notice('Some messages were trimmed from Redis before this page got them; shown: what Redis holds.',
                    'warn'));
            } else if (wasDown) {
                effects.push(notice('')); // read now: what said it could not be is over
            }
        }
        effects.push(RENDER);
        return effects;
    }

    /** The card's TTL as a history answer tells it. */
    ttlFromHistory(result) {
        if (result.messages.length > 0 && result.ttlRemaining !== null) {
            this.session.expiresAt = this.#now() + result.ttlRemaining * 1000;
        } else if (result.messages.length === 0) {
            this.session.expiresAt = result.emptyReason === 'expired' ? 0 : null;
        }
        return [SESSION_CHANGED, TTL_CHANGED];
    }

    // ---------------------------------------------------------------- Redis health

    /**
     * Redis answers the status check: a history that could not be read (Redis was down) is read now. A
     * server says "resumed" after an interruption only where the session has a history; one with none
     * stays silent, so an interruption older than the server's catch-up is over.
     */
    redisUp() {
        if (!this.#redis) {
            return [];
        }
        const effects = [];
        const { conversation } = this;
        if (this.sync === 'interrupted' && this.syncReason === 'redis_down') {
            effects.push(...this.#setSync(null)); // this page's own finding: over (the server's ends with its frame)
        }
        // before the connected frame, it decides what to read
        if (this.joined && (!conversation.loaded || conversation.incomplete) && conversation.reading === 0) {
            effects.push(this.#readHistory());
        }
        if (this.sync === 'interrupted' && this.#now() - this.syncSince > SYNC_SETTLE_MS) {
            effects.push(...this.#setSync(null));
        }
        return effects;
    }

    /**
     * Redis does not answer the server: what the server stores or hears from other instances stops, so the live
     * feed is shown interrupted (unless the server said so first), and a later loss of the history is said as a
     * restart.
     */
    redisDown() {
        if (!this.#redis) {
            return [];
        }
        this.sawRedisDown = true;
        return this.joined && this.sync === null ? this.#setSync('interrupted', 'redis_down') : [];
    }

    /**
     * The card's TTL has run out by this page's clock while the chat is open: a history read tells whether Redis
     * let the history expire (then the chat says so), once per expiry time.
     */
    ttlRanOut() {
        const { session } = this;
        if (!this.#redis || !this.joined || !session.epoch || !Number.isFinite(session.expiresAt)
            || session.expiresAt > this.#now() || this.#expiryChecked === session.expiresAt) {
            return [];
        }
        this.#expiryChecked = session.expiresAt;
        return [this.#readHistory()];
    }
}
