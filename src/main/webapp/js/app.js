// The page's controller: holds the state (settings, sessions, the open chat, Redis health),
// reacts to the views, the socket and the API, and tells the views what to show.

import { fetchRedisStatus, fetchSessionMessages } from './api.js';
import { ChatSocket } from './socket.js';
import * as store from './store.js';
import {
    AddSessionForm, ChatView, SessionListView, renderPersistenceHint, renderRedisStatus,
} from './views.js';

const STATUS_POLL_MS = 3000;
const MAX_FRAME_BYTES = 64 * 1024;
const narrowScreen = window.matchMedia('(max-width: 899px)');

// ---------------------------------------------------------------- ids

function randomHex(bytes) {
    return Array.from(crypto.getRandomValues(new Uint8Array(bytes)), (b) => b.toString(16).padStart(2, '0')).join('');
}

/** crypto.randomUUID() where the page is a secure context; the same shape from getRandomValues elsewhere. */
function generateSessionId() {
    if (typeof crypto.randomUUID === 'function') {
        return crypto.randomUUID();
    }
    const hex = randomHex(16).split('');
    hex[12] = '4';
    hex[16] = ((parseInt(hex[16], 16) & 0x3) | 0x8).toString(16);
    const h = hex.join('');
    return `${h.slice(0, 8)}-${h.slice(8, 12)}-${h.slice(12, 16)}-${h.slice(16, 20)}-${h.slice(20)}`;
}

// one per message, so a message re-sent after a reconnect is stored once (the server's clientId rule: [A-Za-z0-9._:|-]{1,64})
const pageId = randomHex(6);
let messageCounter = 0;
const nextClientId = () => `${pageId}-${++messageCounter}`;

// ---------------------------------------------------------------- conversations

/**
 * The messages of one session while the page is open, keyed so that every message shows once:
 * r:<epoch>:<seq> for messages stored in Redis, c:<clientId>:s|r for unstored ones,
 * p:<clientId> for one of ours still waiting for the server's frame.
 */
class Conversation {
    #messages = new Map();
    #arrival = 0;

    constructor(session) {
        this.session = session;
        if (session.persistence === 'localStorage') {
            store.loadMessages(session.id).forEach((m) => this.put(m));
        }
    }

    put(message) {
        const existing = this.#messages.get(message.key);
        this.#messages.set(message.key, { ...message, arrival: existing?.arrival ?? ++this.#arrival });
    }

    get(key) {
        return this.#messages.get(key);
    }

    delete(key) {
        this.#messages.delete(key);
    }

    pending() {
        return [...this.#messages.values()].filter((m) => m.status === 'pending');
    }

    /** Server time order; our own messages still on their way last. */
    sorted() {
        return [...this.#messages.values()].sort((a, b) =>
            (a.status === 'pending') - (b.status === 'pending')
            || a.timestamp - b.timestamp
            || (a.seq ?? 0) - (b.seq ?? 0)
            || Number(b.isSent) - Number(a.isSent)
            || a.arrival - b.arrival);
    }

    /** What the server delivered: what a localStorage session keeps. */
    delivered() {
        return this.sorted().filter((m) => !m.status);
    }
}

// ---------------------------------------------------------------- state

const settings = store.loadSettings();
const sessions = store.loadSessions();
const conversations = new Map();
let redisStatus = null;
let defaultTtl = null;
let active = null; // {session, conversation, socket, connection}
let unnamedFrames = 0;

const findSession = (id) => sessions.find((s) => s.id === id);

function conversationOf(session) {
    let conversation = conversations.get(session.id);
    if (!conversation) {
        conversation = new Conversation(session);
        conversations.set(session.id, conversation);
    }
    return conversation;
}

// ---------------------------------------------------------------- views

const sessionList = new SessionListView({
    onSelect: (id) => selectSession(id),
    onRefresh: (id) => refreshFromRedis(id),
    onRemove: (id) => removeSession(id),
});
const chat = new ChatView({ onSend: sendMessage });
const addForm = new AddSessionForm({ onAdd: addSession });
const persistenceSelect = document.getElementById('persistence');

function render(conversation) {
    if (active?.conversation === conversation) {
        chat.renderMessages(conversation.sorted());
    }
}

function ttlState(session) {
    if (session.expiresAt === null) {
        return { state: 'unknown', defaultTtl };
    }
    const seconds = Math.ceil((session.expiresAt - Date.now()) / 1000);
    return seconds > 0 ? { state: 'counting', seconds } : { state: 'expired' };
}

function showTtls() {
    sessions.filter((s) => s.persistence === 'redis').forEach((s) => sessionList.setTtl(s.id, ttlState(s)));
}

// ---------------------------------------------------------------- settings

persistenceSelect.value = settings.sessionPersistenceType;
renderPersistenceHint(settings.sessionPersistenceType, defaultTtl);
persistenceSelect.addEventListener('change', () => {
    settings.sessionPersistenceType = store.PERSISTENCE_TYPES.includes(persistenceSelect.value)
        ? persistenceSelect.value : store.DEFAULT_PERSISTENCE;
    store.saveSettings(settings);
    renderPersistenceHint(settings.sessionPersistenceType, defaultTtl);
});

// ---------------------------------------------------------------- sessions

function addSession(typedId) {
    const id = typedId === '' ? generateSessionId() : typedId;
    if (!store.isValidSessionId(id)) {
        return `Invalid session id: use ${store.SESSION_ID_RULE}.`;
    }
    if (findSession(id)) {
        return `Session ${id} is already in the list.`;
    }
    sessions.push({ id, persistence: settings.sessionPersistenceType, createdAt: Date.now(), expiresAt: null });
    store.saveSessions(sessions);
    sessionList.sync(sessions, active?.session.id);
    showTtls();
    selectSession(id);
    return null;
}

function removeSession(id) {
    const index = sessions.findIndex((s) => s.id === id);
    if (index < 0) {
        return;
    }
    if (active?.session.id === id) {
        closeActive();
        chat.show(null);
    }
    sessions.splice(index, 1);
    store.saveSessions(sessions);
    store.forgetMessages(id);
    conversations.delete(id);
    sessionList.sync(sessions, active?.session.id);
    const next = sessions[Math.min(index, sessions.length - 1)];
    if (next) {
        sessionList.focus(next.id);
    } else {
        addForm.focus();
    }
}

function closeActive() {
    if (active) {
        active.socket.close();
        active = null;
        settings.activeSessionId = null;
        store.saveSettings(settings);
    }
}

function selectSession(id, { focus = true } = {}) {
    const session = findSession(id);
    if (!session) {
        return;
    }
    if (active?.session.id !== id) {
        closeActive();
        const conversation = conversationOf(session);
        const socket = new ChatSocket({
            sessionId: id,
            redisPersistence: session.persistence === 'redis',
            onFrame: (frame) => receiveFrame(session, conversation, frame),
            onState: (detail) => showConnection(session, detail),
            onOpen: () => connected(session, conversation),
        });
        active = { session, conversation, socket, connection: { state: 'idle' } };
        settings.activeSessionId = id;
        store.saveSettings(settings);
        chat.show(session);
        render(conversation);
        sessionList.sync(sessions, id);
        socket.open();
    }
    if (focus) {
        chat.focusInput();
        if (narrowScreen.matches) {
            chat.scrollIntoView();
        }
    }
}

function showConnection(session, detail) {
    if (active?.session !== session) {
        return;
    }
    active.connection = detail;
    chat.setConnection(detail);
    sessionList.setConnection(session.id, detail.state);
    if (detail.state === 'refused') {
        chat.setNotice(`The server refused this session: ${detail.reason}`, 'error');
    } else if (detail.state === 'waiting' && detail.code === 1009) {
        // re-sending what was too big would only close the next connection too
        for (const message of active.conversation.pending()) {
            active.conversation.put({ ...message, status: 'failed', note: 'too big for the server' });
        }
        render(active.conversation);
    }
}

/** On every (re)connect: send what is still waiting, and for Redis sessions catch up from Redis. */
function connected(session, conversation) {
    for (const message of conversation.pending()) {
        active.socket.send(JSON.stringify({ content: message.content, clientId: message.clientId }));
    }
    if (session.persistence === 'redis') {
        loadHistory(session, conversation);
    }
}

async function loadHistory(session, conversation) {
    const result = await fetchSessionMessages(session.id);
    if (!result.ok) {
        if (result.status === 503) {
            chat.setNotice('History not loaded: Redis down.', 'warn');
            pollRedisStatus();
        }
        return;
    }
    mergeHistory(session, conversation, result);
}

function mergeHistory(session, conversation, result) {
    for (const m of result.messages) {
        if (typeof m.content === 'string' && Number.isFinite(m.seq)) {
            conversation.put({
                key: `r:${result.epoch}:${m.seq}`, content: m.content, timestamp: m.timestamp,
                isSent: Boolean(m.isSent), seq: m.seq,
            });
        }
    }
    if (result.messages.length > 0 && result.ttlRemaining !== null) {
        session.expiresAt = Date.now() + result.ttlRemaining * 1000;
    } else if (result.messages.length === 0) {
        session.expiresAt = result.emptyReason === 'expired' ? 0 : null;
    }
    store.saveSessions(sessions);
    showTtls();
    render(conversation);
}

// ---------------------------------------------------------------- messages

function sendMessage(text) {
    if (!active) {
        return 'Pick a session first.';
    }
    if (text.trim() === '') {
        return null;
    }
    if (active.connection.state === 'refused') {
        return 'This session is refused by the server; messages cannot be sent.';
    }
    const clientId = nextClientId();
    const frame = JSON.stringify({ content: text, clientId });
    const bytes = new TextEncoder().encode(frame).length;
    if (bytes > MAX_FRAME_BYTES) {
        return `Message too long: ${Math.ceil(bytes / 1024)} KiB, the limit is 64 KiB.`;
    }
    active.conversation.put({
        key: `p:${clientId}`, clientId, content: text, timestamp: Date.now(), isSent: true, status: 'pending',
    });
    active.socket.send(frame); // if not connected it stays pending and goes out on the next connect
    chat.setNotice('');
    render(active.conversation);
    return null;
}

function receiveFrame(session, conversation, frame) {
    if (frame.type === 'message') {
        receiveMessage(session, conversation, frame);
    } else if (frame.type === 'error') {
        receiveError(conversation, frame);
    }
    // other frame types are for later versions of the protocol: ignore them
}

function receiveMessage(session, conversation, frame) {
    if (typeof frame.content !== 'string' || (frame.sessionId && frame.sessionId !== session.id)) {
        return;
    }
    const stored = frame.persisted === true && typeof frame.epoch === 'string' && Number.isFinite(frame.seq);
    let key;
    if (stored) {
        key = `r:${frame.epoch}:${frame.seq}`;
    } else if (frame.clientId) {
        key = `c:${frame.clientId}:${frame.isSent ? 's' : 'r'}`;
    } else {
        key = `f:${++unnamedFrames}`;
    }
    if (frame.isSent && frame.clientId) {
        conversation.delete(`p:${frame.clientId}`);
    }
    conversation.put({
        key,
        content: frame.content,
        timestamp: Number.isFinite(frame.timestamp) ? frame.timestamp : Date.now(),
        isSent: Boolean(frame.isSent),
        seq: stored ? frame.seq : undefined,
        note: session.persistence === 'redis' && !stored ? 'not stored in Redis' : undefined,
    });
    if (stored && defaultTtl !== null) {
        session.expiresAt = Date.now() + defaultTtl * 1000; // every write restarts the sliding TTL
        store.saveSessions(sessions);
        sessionList.setTtl(session.id, ttlState(session));
    }
    if (session.persistence === 'localStorage') {
        store.saveMessages(session.id, conversation.delivered());
    }
    render(conversation);
}

function receiveError(conversation, frame) {
    const text = typeof frame.message === 'string' && frame.message ? frame.message : String(frame.code);
    const pending = frame.clientId ? conversation.get(`p:${frame.clientId}`) : null;
    if (frame.code === 'redis_unavailable') {
        chat.setNotice(text.charAt(0).toUpperCase() + text.slice(1), 'warn');
        pollRedisStatus();
    } else if (pending) {
        conversation.put({ ...pending, status: 'failed', note: text });
        render(conversation);
    } else {
        chat.setNotice(`Server: ${text}`, 'error');
    }
}

// ---------------------------------------------------------------- Redis: manual refresh and health

async function refreshFromRedis(id) {
    const session = findSession(id);
    if (!session) {
        return;
    }
    sessionList.setRedisResult(id, { kind: 'loading' });
    const result = await fetchSessionMessages(id);
    if (!findSession(id)) {
        return; // removed meanwhile
    }
    if (result.ok && result.messages.length > 0) {
        sessionList.setRedisResult(id, { kind: 'messages', messages: result.messages, count: result.messages.length });
        mergeHistory(session, conversationOf(session), result);
    } else if (result.ok) {
        sessionList.setRedisResult(id, { kind: 'empty', reason: result.emptyReason ?? 'never_persisted' });
        mergeHistory(session, conversationOf(session), result);
    } else if (result.status === 503) {
        sessionList.setRedisResult(id, { kind: 'error', reason: 'redis_down' });
        pollRedisStatus();
    } else {
        sessionList.setRedisResult(id, { kind: 'error', error: result.error });
    }
}

let statusTimer = null;
let statusInFlight = false;

async function pollRedisStatus() {
    if (statusInFlight) {
        return;
    }
    statusInFlight = true;
    clearTimeout(statusTimer);
    try {
        redisStatus = await fetchRedisStatus();
        if (redisStatus.defaultTtl !== null) {
            defaultTtl = redisStatus.defaultTtl;
        }
        renderRedisStatus(redisStatus);
        renderPersistenceHint(settings.sessionPersistenceType, defaultTtl);
    } finally {
        statusInFlight = false;
        statusTimer = setTimeout(pollRedisStatus, STATUS_POLL_MS);
    }
}

document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && pollRedisStatus());

// ---------------------------------------------------------------- other tabs of this page

/** Another tab changed the cards or the settings: take its version, so neither tab overwrites the other's. */
window.addEventListener('storage', (event) => {
    if (event.key === null || event.key === store.SESSIONS_KEY) {
        const mine = new Map(sessions.map((s) => [s.id, s]));
        const theirs = store.loadSessions().map((s) => {
            const known = mine.get(s.id);
            if (known) {
                known.expiresAt = s.expiresAt ?? known.expiresAt;
                return known;
            }
            return s;
        });
        if (active && !theirs.includes(active.session)) {
            closeActive();
            chat.show(null);
        }
        sessions.splice(0, sessions.length, ...theirs);
        [...conversations.keys()].filter((id) => !findSession(id)).forEach((id) => conversations.delete(id));
        sessionList.sync(sessions, active?.session.id);
        showTtls();
    }
    if (event.key === null || event.key === store.SETTINGS_KEY) {
        settings.sessionPersistenceType = store.loadSettings().sessionPersistenceType;
        persistenceSelect.value = settings.sessionPersistenceType;
        renderPersistenceHint(settings.sessionPersistenceType, defaultTtl);
    }
});

// ---------------------------------------------------------------- start

function tick() {
    showTtls();
    if (active?.connection.state === 'waiting') {
        chat.setConnection(active.connection);
    }
}

renderRedisStatus(null);
chat.show(null);
sessionList.sync(sessions, null);
showTtls();
if (settings.activeSessionId && findSession(settings.activeSessionId)) {
    selectSession(settings.activeSessionId, { focus: false });
}
pollRedisStatus();
setInterval(tick, 1000);
