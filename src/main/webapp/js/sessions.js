// Session cards and their rules: which ids the server takes, a new card, where a card's Redis history
// resumes, its TTL as the list shows it, and the connection ids this browser had in it. No DOM, no storage.

/** The server's rule for session ids (SessionIds.java). */
export const SESSION_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;
export const SESSION_ID_RULE = "letters, digits, '-', '_' or '.', 1 to 128 characters";

export function isValidSessionId(id) {
    return typeof id === 'string' && SESSION_ID_PATTERN.test(id);
}

/** What the server accepts as the epoch of a resume (ChatEndpoint): anything else would get the socket refused (1008). */
const EPOCH_PATTERN = /^[A-Za-z0-9-]{1,64}$/;

export function isValidEpoch(epoch) {
    return typeof epoch === 'string' && EPOCH_PATTERN.test(epoch);
}

/** How many connection ids a card remembers (the newest): older messages of this browser then show as another client's. */
export const MAX_CONNECTION_IDS = 50;

// a connection id, or with access control the token's subject (up to 256 characters)
const isConnectionId = (id) => typeof id === 'string' && id.length > 0 && id.length <= 256;

/** A stored list of connection ids cleaned up: strings only, no repeats, the newest MAX_CONNECTION_IDS. */
export function validConnectionIds(ids) {
    return Array.isArray(ids) ? [...new Set(ids.filter(isConnectionId))].slice(-MAX_CONNECTION_IDS) : [];
}

export function randomHex(bytes, random = (array) => crypto.getRandomValues(array)) {
    return Array.from(random(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/**
 * A session id nobody can guess: without authentication the id is the session's only secret, so 128 random bits
 * (32 hex digits), from crypto.getRandomValues (which, unlike randomUUID, needs no secure context).
 */
export function generateSessionId(cryptoApi = globalThis.crypto) {
    return randomHex(16, (array) => cryptoApi.getRandomValues(array));
}

/**
 * The card for what the user typed in the add form (empty: a generated id). An id already in the list
 * makes no second card: that card is to be opened instead.
 * @returns {{session: object}|{existing: object}|{error: string}}
 */
export function newSession(typedId, { sessions, persistence, now = Date.now(), generate = generateSessionId }) {
    const id = typedId === '' ? generate() : typedId;
    if (!isValidSessionId(id)) {
        return { error: `Invalid session id: use ${SESSION_ID_RULE}.` };
    }
    const existing = sessions.find((s) => s.id === id);
    if (existing) {
        return { existing };
    }
    return {
        session: {
            id, persistence, createdAt: now, expiresAt: null, epoch: null, lastSeq: null, connectionIds: [],
        },
    };
}

/**
 * Where a (re)connect resumes: after the last seq this browser saw, in the epoch it saw it in (kept
 * with the card, so a reload resumes too). since=0 without an epoch: the session had no history
 * when last seen, so everything there is now is new. null: nothing known, start at the present.
 */
export function resumePoint(session) {
    if (session.persistence !== 'redis' || !Number.isSafeInteger(session.lastSeq)) {
        return null;
    }
    return session.epoch ? { since: session.lastSeq, epoch: session.epoch } : { since: 0, epoch: null };
}

/** The TTL of a Redis card as the list shows it: {state: 'unknown', defaultTtl} | {state: 'counting', seconds} | {state: 'expired'}. */
export function ttlState(session, now, defaultTtl) {
    if (session.expiresAt === null || session.expiresAt === undefined) {
        return { state: 'unknown', defaultTtl };
    }
    const seconds = Math.ceil((session.expiresAt - now) / 1000);
    return seconds > 0 ? { state: 'counting', seconds } : { state: 'expired' };
}

/** Notes that this browser had a socket with that connection id in the session. @returns whether the card changed. */
export function rememberConnection(session, connectionId) {
    if (!isConnectionId(connectionId)) {
        return false;
    }
    const ids = session.connectionIds ?? [];
    if (ids.includes(connectionId)) {
        return false;
    }
    session.connectionIds = [...ids, connectionId].slice(-MAX_CONNECTION_IDS);
    return true;
}

/**
 * Puts a removed card back where it was (index: its place then, or the end if the list is shorter now).
 * @returns whether it was put back: not when a card of that id is in the list again meanwhile
 */
export function restoreSession(sessions, session, index) {
    if (sessions.some((s) => s.id === session.id)) {
        return false;
    }
    sessions.splice(Math.max(0, Math.min(index, sessions.length)), 0, session);
    return true;
}

/** What a change of the "Session Persistence" setting does, said when it changes: new cards only. */
export function persistenceScopeNote(sessions) {
    if (sessions.length === 0) {
        return 'Applies to sessions added from now on.';
    }
    const cards = sessions.length === 1 ? 'the session in the list keeps its own' : `the ${sessions.length} sessions in the list keep their own`;
    return `Applies to sessions added from now on; ${cards}.`;
}

/** 300 -> "5 minutes", 90 -> "1 minute 30 seconds", 3600 -> "1 hour": a TTL as a sentence says it. */
export function spokenDuration(totalSeconds) {
    const s = Math.max(0, Math.round(totalSeconds));
    const parts = [[Math.floor(s / 86400), 'day'], [Math.floor((s % 86400) / 3600), 'hour'],
        [Math.floor((s % 3600) / 60), 'minute'], [s % 60, 'second']]
        .filter(([n]) => n > 0).map(([n, unit]) => `${n} ${unit}${n === 1 ? '' : 's'}`);
    return parts.length > 0 ? parts.join(' ') : '0 seconds';
}

/**
 * Why Redis no longer holds a session's history, in words. cause: 'expired' (the TTL ran out), 'lost' (gone before
 * its TTL: Redis restarted without persistence, was flushed or evicted it) or 'unknown'. ttl: the server's TTL in
 * seconds (null: not known); restarted: this page saw Redis down since the history was last known to be there.
 */
export function historyLossText(cause, { ttl = null, restarted = false } = {}) {
    if (cause === 'expired') {
        return ttl ? `This session expired after ${spokenDuration(ttl)} without messages`
            : 'This session expired: its TTL ran out without messages';
    }
    if (cause === 'lost') {
        return restarted ? 'Redis lost this session\'s history (it restarted without persistence)'
            : 'Redis lost this session\'s history before its TTL ran out (restarted without persistence, flushed or evicted)';
    }
    return 'This session\'s history in Redis started over';
}
