// What the browser keeps between page loads, under "redis-chat.*": in localStorage the settings,
// the list of session cards, and the messages of localStorage sessions (Redis sessions keep their
// messages in Redis and `none` sessions keep none, so neither has a messages entry here); in the
// tab's sessionStorage our messages not answered yet, of every session, and the author secret
// that makes sending them again after a reload safe. If storage is unavailable (private mode,
// quota), the page still works for as long as it is open. Nothing here runs at import time.

import { isValidEpoch, isValidSessionId, validConnectionIds } from './sessions.js';

const PREFIX = 'redis-chat.';
export const SETTINGS_KEY = `${PREFIX}settings`;
export const SESSIONS_KEY = `${PREFIX}sessions`;
const messagesKey = (sessionId) => `${PREFIX}messages.${sessionId}`;
const unsentKey = (sessionId) => `${PREFIX}unsent.${sessionId}`;
const AUTHOR_KEY = `${PREFIX}author`;
const AUTHOR_SECRET = /^[A-Za-z0-9_-]{22,128}$/;
const CLIENT_ID = /^[A-Za-z0-9._:|-]{1,64}$/;

/** How many messages a localStorage session keeps (the newest). */
export const MAX_LOCAL_MESSAGES = 500;

export const PERSISTENCE_TYPES = Object.freeze(['localStorage', 'redis', 'none']);
export const DEFAULT_PERSISTENCE = 'localStorage';

const isSeq = (seq) => Number.isSafeInteger(seq) && seq >= 0;

/** Keeps nothing: where the tab's storage is blocked or missing, what it would hold lives as long as the page. */
const NO_STORAGE = Object.freeze({ getItem: () => null, setItem: () => { throw new Error('no storage'); }, removeItem: () => {} });

function tabStorage() {
    try {
        return globalThis.sessionStorage ?? NO_STORAGE;
    } catch {
        return NO_STORAGE;
    }
}

function read(key, fallback, storage = null) {
    try {
        const text = (storage ?? globalThis.localStorage).getItem(key);
        return text === null ? fallback : JSON.parse(text);
    } catch {
        return fallback;
    }
}

function write(key, value, storage = null) {
    try {
        (storage ?? globalThis.localStorage).setItem(key, JSON.stringify(value));
        return true;
    } catch {
        return false;
    }
}

function remove(key, storage = null) {
    try {
        (storage ?? globalThis.localStorage).removeItem(key);
    } catch {
        // nothing stored, nothing to remove
    }
}

/** @returns {{sessionPersistenceType: 'localStorage'|'redis'|'none', activeSessionId: string|null}} */
export function loadSettings() {
    const stored = read(SETTINGS_KEY, {});
    const type = PERSISTENCE_TYPES.includes(stored?.sessionPersistenceType)
        ? stored.sessionPersistenceType : DEFAULT_PERSISTENCE;
    const active = isValidSessionId(stored?.activeSessionId) ? stored.activeSessionId : null;
    return { sessionPersistenceType: type, activeSessionId: active };
}

export function saveSettings(settings) {
    write(SETTINGS_KEY, {
        sessionPersistenceType: settings.sessionPersistenceType,
        activeSessionId: settings.activeSessionId ?? null,
    });
}

/**
 * The session cards, oldest first. A session is
 * {id, persistence, createdAt, expiresAt, epoch, lastSeq, connectionIds}: persistence is fixed when it is created;
 * expiresAt (epoch ms or null) is when a Redis session's history runs out, as last known;
 * epoch and lastSeq (Redis sessions only, else null) are where this browser last was in the session's
 * history, so that a reconnect, even after a reload, asks the server only for what came after;
 * connectionIds are the ids of this browser's sockets in the session (the newest few), so its own
 * messages still show as its own after a reload.
 */
export function loadSessions() {
    const stored = read(SESSIONS_KEY, []);
    if (!Array.isArray(stored)) {
        return [];
    }
    const seen = new Set();
    return stored
        .filter((s) => isValidSessionId(s?.id) && PERSISTENCE_TYPES.includes(s.persistence) && !seen.has(s.id)
            && seen.add(s.id))
        .map((s) => ({
            id: s.id,
            persistence: s.persistence,
            createdAt: Number.isFinite(s.createdAt) ? s.createdAt : Date.now(),
            expiresAt: s.persistence === 'redis' && Number.isFinite(s.expiresAt) ? s.expiresAt : null,
            ...resumePoint(s),
            connectionIds: validConnectionIds(s.connectionIds),
        }));
}

/** A stored {epoch, lastSeq} the server would accept, else both null (the page then starts from the full history). */
function resumePoint(s) {
    if (s.persistence !== 'redis' || !isSeq(s.lastSeq) || !(s.epoch === null || isValidEpoch(s.epoch))) {
        return { epoch: null, lastSeq: null };
    }
    return { epoch: s.epoch, lastSeq: s.lastSeq };
}

export function saveSessions(sessions) {
    write(SESSIONS_KEY, sessions.map(({ id, persistence, createdAt, expiresAt, epoch, lastSeq, connectionIds }) => {
        const redis = persistence === 'redis';
        return {
            id, persistence, createdAt,
            expiresAt: redis ? expiresAt ?? null : null,
            epoch: redis ? epoch ?? null : null,
            lastSeq: redis ? lastSeq ?? null : null,
            connectionIds: validConnectionIds(connectionIds),
        };
    }));
}

/** Messages of a localStorage session: [{key, content, timestamp, isSent, from?}] as the server sent them. */
export function loadMessages(sessionId) {
    const stored = read(messagesKey(sessionId), []);
    if (!Array.isArray(stored)) {
        return [];
    }
    return stored.filter((m) => typeof m?.content === 'string' && Number.isFinite(m.timestamp)
        && typeof m.key === 'string');
}

export function saveMessages(sessionId, messages) {
    const kept = messages.slice(-MAX_LOCAL_MESSAGES)
        .map(({ key, content, timestamp, isSent, from }) => ({
            key, content, timestamp, isSent: Boolean(isSent), ...(typeof from === 'string' ? { from } : {}),
        }));
    if (!write(messagesKey(sessionId), kept)) {
        // over quota: keep the newest half rather than nothing
        write(messagesKey(sessionId), kept.slice(-Math.floor(kept.length / 2)));
    }
}

export function forgetMessages(sessionId) {
    remove(messagesKey(sessionId));
    remove(unsentKey(sessionId), tabStorage());
}

/**
 * This tab's author secret (protocol.js authorSecret), the same after a reload: our messages sent again then are
 * recognized by the server as the ones it may have stored already. make() makes a new one when there is none.
 */
export function authorSecret(make) {
    const stored = read(AUTHOR_KEY, null, tabStorage());
    if (typeof stored === 'string' && AUTHOR_SECRET.test(stored)) {
        return stored;
    }
    const secret = make();
    write(AUTHOR_KEY, secret, tabStorage());
    return secret;
}

/** Our messages of a session not answered yet (protocol.js unsent()): [{clientId, content, timestamp, status, note}]. */
export function loadUnsent(sessionId) {
    const stored = read(unsentKey(sessionId), [], tabStorage());
    if (!Array.isArray(stored)) {
        return [];
    }
    return stored.filter((m) => typeof m?.content === 'string' && typeof m.clientId === 'string'
        && CLIENT_ID.test(m.clientId) && Number.isFinite(m.timestamp) && (m.status === 'pending' || m.status === 'failed'))
        .map(({ clientId, content, timestamp, status, note }) => ({
            clientId, content, timestamp, status, ...(typeof note === 'string' ? { note } : {}),
        }));
}

export function saveUnsent(sessionId, unsent) {
    if (unsent.length === 0) {
        remove(unsentKey(sessionId), tabStorage());
    } else {
        write(unsentKey(sessionId), unsent, tabStorage());
    }
}
