// The conversation model: the messages of one session while the page is open, each under one key so
// it shows once, and who wrote each one. No DOM, no storage: the protocol fills it, the views show it.

/**
 * The key scheme. A message is stored under exactly one key at a time:
 *  r:<epoch>:<seq>        stored in Redis (the same message from a replay, the live feed or a history read)
 *  c:<clientId>:s|r       not stored, but named by our clientId: s for the user message, r for the reply
 *  p:<clientId>           one of ours still waiting for the server's echo
 *  f:<n>                  not stored and unnamed (another client's, or a server without clientIds)
 *  d:<era>                the divider that begins an era: Redis no longer holds what is shown above it
 */
export const keys = Object.freeze({
    stored: (epoch, seq) => `r:${epoch}:${seq}`,
    unstored: (clientId, isSent) => `c:${clientId}:${isSent ? 's' : 'r'}`,
    pending: (clientId) => `p:${clientId}`,
    unnamed: (n) => `f:${n}`,
    divider: (era) => `d:${era}`,
});

export class Conversation {
    #messages = new Map();
    #arrival = 0;
    #historyRequests = 0;
    #unnamed = 0;
    /** The whole Redis history was read (REST) in this page: from here on the socket's resume keeps it complete. */
    loaded = false;
    /** The server said messages are missing: the next history read replaces what is shown. */
    incomplete = false;
    /** History reads on their way. */
    reading = 0;
    /**
     * Which history of the session the messages belong to, as this page saw it: each time Redis lost the history
     * (or it expired) a new era begins, and what was shown stays above a divider, as no longer in Redis.
     */
    era = 0;

    /** messages: what the page starts with (a localStorage session's stored messages). */
    constructor(messages = []) {
        messages.forEach((m) => this.put(m));
    }

    put(message) {
        const existing = this.#messages.get(message.key);
        this.#messages.set(message.key, {
            ...message, era: message.era ?? existing?.era ?? this.era, arrival: existing?.arrival ?? ++this.#arrival,
        });
    }

    /**
     * Redis no longer holds what is shown: it stays, above a divider (divider: {text, cause}), and what comes from
     * now on is of a new era. Our messages still on their way belong to the new one. No divider when nothing of the
     * current era is shown. @returns the divider's key, or null
     */
    archive(divider) {
        const shown = this.all().some((m) => m.era === this.era && !m.status && !m.divider);
        this.era += 1;
        this.pending().forEach((m) => this.put({ ...m, era: this.era }));
        if (!shown) {
            return null;
        }
        const key = keys.divider(this.era);
        this.put({ ...divider, key, divider: true, era: this.era, timestamp: 0 });
        return key;
    }

    get(key) {
        return this.#messages.get(key);
    }

    has(key) {
        return this.#messages.has(key);
    }

    delete(key) {
        this.#messages.delete(key);
    }

    all() {
        return [...this.#messages.values()];
    }

    /** A key for a message the server named in no way (see keys.unnamed); not one a stored message already has. */
    nextUnnamedKey() {
        let key;
        do {
            key = keys.unnamed(++this.#unnamed);
        } while (this.#messages.has(key));
        return key;
    }

    /** A point in the order messages were put: what is put later has a larger arrival. */
    mark() {
        return this.#arrival;
    }

    /** Numbers history reads, so an answer that was overtaken by a newer read is not applied. */
    newHistoryRequest() {
        return ++this.#historyRequests;
    }

    isLatestHistoryRequest(request) {
        return request === this.#historyRequests;
    }

    /** The largest seq held of that epoch, 0 for none. */
    newestSeq(epoch) {
        return this.all().reduce((max, m) => (m.epoch === epoch && m.seq > max ? m.seq : max), 0);
    }

    pending() {
        return this.all().filter((m) => m.status === 'pending');
    }

    /** Server time order within each era (its divider first); our own messages still on their way last. */
    sorted() {
        return this.all().sort((a, b) =>
            (a.status === 'pending') - (b.status === 'pending')
            || a.era - b.era
            || Number(Boolean(b.divider)) - Number(Boolean(a.divider))
            || a.timestamp - b.timestamp
            || (a.seq ?? 0) - (b.seq ?? 0)
            || Number(b.isSent) - Number(a.isSent)
            || a.arrival - b.arrival);
    }

    /** What the server delivered: what a localStorage session keeps. */
    delivered() {
        return this.sorted().filter((m) => !m.status && !m.divider);
    }

    /** What the chat shows, in order: messages of an earlier era (no longer in Redis) have archived: true. */
    shown() {
        return this.sorted().map((m) => (m.era < this.era ? { ...m, archived: true } : m));
    }
}

// ---------------------------------------------------------------- authors

/** FNV-1a (32 bits) of a text: a cheap, stable hash for naming authors. */
function fnv1a(text) {
    let hash = 0x811c9dc5;
    for (let i = 0; i < text.length; i += 1) {
        hash = Math.imul(hash ^ text.charCodeAt(i), 0x01000193);
    }
    return hash >>> 0;
}

/** A short label that stays the same for one connection id, whatever its shape: 4 hex digits of its FNV-1a hash. */
export function shortLabel(connectionId) {
    return fnv1a(connectionId).toString(16).padStart(8, '0').slice(0, 4);
}

/** How many colours other authors are told apart by (app.css has a .tone-N for each). */
export const AUTHOR_TONES = 8;

/** The colour of another author, 0 to AUTHOR_TONES - 1: the same for the same `from`, on every page and reload. */
export function authorTone(from) {
    return fnv1a(from) % AUTHOR_TONES;
}

/**
 * Who wrote a message, as this page sees it: {kind: 'you'|'other'|'server', label, tone}; tone (another
 * client only, else null) is its colour, see authorTone().
 * The server's replies are the server's. A user message is ours when its `from` is one of the
 * connection ids this browser had for the session, or when it has no `from` at all (stored by an
 * older server, or still on its way): what the UI always did. Any other `from` is another client:
 * a connection id is shown as a short stable label, a token's subject (access control) as itself.
 */
export function authorOf(message, ownConnectionIds = []) {
    if (!message.isSent) {
        return { kind: 'server', label: 'server', tone: null };
    }
    if (typeof message.from !== 'string' || message.from === '' || ownConnectionIds.includes(message.from)) {
        return { kind: 'you', label: 'you', tone: null };
    }
    if (!/^[0-9a-f]{1,16}$/.test(message.from)) {
        const subject = message.from.length > 40 ? `${message.from.slice(0, 39)}…` : message.from;
        return { kind: 'other', label: subject, tone: authorTone(message.from) };
    }
    return { kind: 'other', label: `client ${shortLabel(message.from)}`, tone: authorTone(message.from) };
}

/** The messages as the views show them: each with its author. */
export function withAuthors(messages, ownConnectionIds = []) {
    return messages.map((m) => ({ ...m, author: authorOf(m, ownConnectionIds) }));
}
