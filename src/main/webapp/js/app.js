// The page's controller: holds the state (settings, sessions, the open chat, Redis health),
// reacts to the views, the socket and the API, and tells the views what to show.

import { fetchRedisStatus, fetchSessionMessages } from './api.js';
import { ChatSocket } from './socket.js';
import * as store from './store.js';
import {
    AddSessionForm, ChatView, SessionListView, renderPersistenceHint, renderRedisStatus,
} from './views.js';

const STATUS_POLL_MS = 3000;
const SYNC_SETTLE_MS = 10_000;
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
    #historyRequests = 0;
    /** The whole Redis history was read (REST) in this page: from here on the socket's resume keeps it complete. */
    loaded = false;
    /** The server said messages are missing: the next history read replaces what is shown. */
    incomplete = false;
    /** History reads on their way. */
    reading = 0;

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

    has(key) {
        return this.#messages.has(key);
    }

    all() {
        return [...this.#messages.values()];
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
// resume: where the open socket resumed from; joined: its connected frame came; sync: the server's live feed
let active = null; // {session, conversation, socket, connection, resume, joined, sync, syncSince, maxBytes}
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
    sessions.push({
        id, persistence: settings.sessionPersistenceType, createdAt: Date.now(), expiresAt: null, epoch: null, lastSeq: null,
    });
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
            resumeFrom: () => resumePoint(session),
            onFrame: (frame) => receiveFrame(session, conversation, frame),
            onState: (detail) => showConnection(session, detail),
            onOpen: (resume) => {
                if (active?.session === session) {
                    active.resume = resume;
                }
            },
        });
        active = {
            session, conversation, socket, connection: { state: 'idle' },
            resume: null, joined: false, sync: null, syncSince: 0, maxBytes: MAX_FRAME_BYTES,
        };
        settings.activeSessionId = id;
        store.saveSettings(settings);
        chat.show(session);
        render(conversation);
        showBusy(conversation);
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
    if (detail.state !== 'open') {
        active.joined = false;
    }
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

// ---------------------------------------------------------------- following a Redis session's history

/**
 * Where a (re)connect resumes: after the last seq this browser saw, in the epoch it saw it in (kept
 * with the card, so a reload resumes too). since=0 without an epoch: the session had no history
 * when last seen, so everything there is now is new. null: nothing known, start at the present.
 */
function resumePoint(session) {
    if (session.persistence !== 'redis' || !Number.isSafeInteger(session.lastSeq)) {
        return null;
    }
    return session.epoch ? { since: session.lastSeq, epoch: session.epoch } : { since: 0, epoch: null };
}

/** The server's first frame on a socket: from here on every message of the session reaches us. */
function receiveConnected(session, conversation, frame) {
    if (active?.conversation !== conversation) {
        return;
    }
    active.joined = true;
    if (Number.isSafeInteger(frame.maxMessageBytes) && frame.maxMessageBytes > 0) {
        active.maxBytes = frame.maxMessageBytes;
    }
    setSync(null); // a new socket: whatever was interrupted concerned the last one
    if (session.persistence === 'redis' && frame.persistence === true) {
        if (active.resume && frame.recovered !== true) {
            // trimmed, expired, or Redis lost its data: what we missed cannot be replayed
            historyIncomplete(session, conversation, typeof frame.epoch === 'string' ? frame.epoch : null);
        } else if (!conversation.loaded || conversation.incomplete) {
            // the first connect in this page (a recovered resume after a reload brings only what came
            // after the stored seq): the rest comes from Redis
            loadHistory(session, conversation);
        }
    }
    for (const message of conversation.pending()) {
        active.socket.send(JSON.stringify({ content: message.content, clientId: message.clientId }));
    }
}

/** Sync frames tell about the server's live feed of the session. */
function receiveSync(session, conversation, frame) {
    if (frame.state === 'interrupted') {
        setSync('interrupted');
    } else if (frame.recovered === true) {
        setSync(null); // resumed: nothing was lost
    } else {
        setSync(null);
        // reset: a new history (epoch null: none yet); gap: messages were trimmed before they reached us
        const epoch = typeof frame.epoch === 'string' ? frame.epoch : null;
        historyIncomplete(session, conversation, frame.state === 'reset' || epoch !== null ? epoch : session.epoch);
    }
}

function setSync(state) {
    if (!active || active.sync === state) {
        return;
    }
    active.sync = state;
    active.syncSince = Date.now();
    chat.setSync(state);
}

/**
 * Messages were lost to this page: say so, and replace what it shows by the server's history. If the
 * history started over under another epoch, what is shown of the old one goes at once.
 */
function historyIncomplete(session, conversation, epoch) {
    conversation.incomplete = true;
    if (epoch !== session.epoch) {
        for (const m of conversation.all()) {
            if (m.epoch && m.epoch !== epoch) {
                conversation.delete(m.key);
            }
        }
        session.epoch = epoch;
        session.lastSeq = 0;
        store.saveSessions(sessions);
    }
    if (active?.conversation === conversation) {
        chat.setNotice('History incomplete — reloading from Redis…', 'warn');
    }
    render(conversation);
    loadHistory(session, conversation);
}

/**
 * Reads the session's history from Redis and hands it to use(result, mark, latest) while the chat shows as
 * busy. mark: the conversation's mark() when the request went out; latest: no newer read was started
 * meanwhile and the card is still there.
 */
async function readHistory(session, conversation, use) {
    const request = conversation.newHistoryRequest();
    const mark = conversation.mark();
    conversation.reading += 1;
    showBusy(conversation);
    try {
        const result = await fetchSessionMessages(session.id);
        use(result, mark, conversation.isLatestHistoryRequest(request) && conversations.get(session.id) === conversation);
    } finally {
        conversation.reading -= 1;
        showBusy(conversation);
    }
}

function showBusy(conversation) {
    if (active?.conversation === conversation) {
        chat.setBusy(conversation.reading > 0);
    }
}

function loadHistory(session, conversation) {
    return readHistory(session, conversation, (result, mark, latest) => {
        if (!latest) {
            return; // a newer read is on its way, or the card is gone
        }
        if (result.ok) {
            applyHistory(session, conversation, result, mark);
            return;
        }
        const showing = active?.conversation === conversation;
        if (result.status === 503) {
            if (showing) {
                chat.setNotice(conversation.incomplete
                    ? 'History incomplete — Redis is down; it is reloaded when Redis is back.'
                    : 'History not loaded: Redis down.', 'warn');
            }
            pollRedisStatus();
        } else if (showing && conversation.incomplete) {
            chat.setNotice(`History incomplete — could not reload it from Redis: ${result.error}`, 'warn');
        }
    });
}

/**
 * Takes in the session's history as the REST API returned it. mark: the conversation's mark() when the
 * request went out; what arrived after it is newer than the answer and stays. When the history is
 * incomplete the answer replaces every delivered message older than the mark; otherwise it only adds.
 */
function applyHistory(session, conversation, result, mark) {
    const epoch = typeof result.epoch === 'string' ? result.epoch : null;
    const replace = conversation.incomplete;
    if (!replace && session.epoch && epoch !== session.epoch) {
        // another history than the one this chat follows: its socket says what happened (a reset frame, or
        // recovered:false on the next connect), and then it is replaced
        updateTtl(session, result);
        return;
    }
    const listed = [];
    for (const m of result.messages) {
        if (typeof m.content === 'string' && Number.isSafeInteger(m.seq) && epoch !== null) {
            listed.push({
                key: `r:${epoch}:${m.seq}`, content: m.content, timestamp: m.timestamp,
                isSent: Boolean(m.isSent), seq: m.seq, epoch,
            });
        }
    }
    if (replace) {
        const keys = new Set(listed.map((m) => m.key));
        for (const m of conversation.all()) {
            if (!m.status && m.arrival <= mark && !keys.has(m.key)) {
                conversation.delete(m.key);
            }
        }
    }
    listed.forEach((m) => conversation.put(m));
    conversation.loaded = true;
    conversation.incomplete = false;
    // frames of another epoch that came in meanwhile know better where the session is
    if (!conversation.all().some((m) => m.arrival > mark && m.epoch && m.epoch !== epoch)) {
        session.epoch = epoch;
        session.lastSeq = epoch === null ? 0 : Math.max(result.lastSeq ?? 0, conversation.newestSeq(epoch));
    }
    updateTtl(session, result);
    if (replace && active?.conversation === conversation) {
        chat.setNotice('History incomplete — reloaded from Redis', 'warn');
    }
    render(conversation);
}

function updateTtl(session, result) {
    if (result.messages.length > 0 && result.ttlRemaining !== null) {
        session.expiresAt = Date.now() + result.ttlRemaining * 1000;
    } else if (result.messages.length === 0) {
        session.expiresAt = result.emptyReason === 'expired' ? 0 : null;
    }
    store.saveSessions(sessions);
    showTtls();
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
    if (bytes > active.maxBytes) {
        return `Message too long: ${Math.ceil(bytes / 1024)} KiB, the limit is ${Math.floor(active.maxBytes / 1024)} KiB.`;
    }
    active.conversation.put({
        key: `p:${clientId}`, clientId, content: text, timestamp: Date.now(), isSent: true, status: 'pending',
    });
    if (active.joined) {
        active.socket.send(frame);
    } // else it stays pending and goes out once the connected frame came (sending both ways would send it twice)
    chat.setNotice('');
    render(active.conversation);
    return null;
}

function receiveFrame(session, conversation, frame) {
    if (frame.sessionId && frame.sessionId !== session.id) {
        return;
    }
    if (frame.type === 'message') {
        receiveMessage(session, conversation, frame);
    } else if (frame.type === 'connected') {
        receiveConnected(session, conversation, frame);
    } else if (frame.type === 'sync' && session.persistence === 'redis') {
        receiveSync(session, conversation, frame);
    } else if (frame.type === 'error') {
        receiveError(conversation, frame);
    }
    // other frame types are for later versions of the protocol: ignore them
}

function receiveMessage(session, conversation, frame) {
    if (typeof frame.content !== 'string') {
        return;
    }
    const stored = frame.persisted === true && typeof frame.epoch === 'string' && Number.isSafeInteger(frame.seq);
    // ours has arrived, first time or again (a resent message is answered as a duplicate)
    const wasPending = frame.isSent && frame.clientId && conversation.has(`p:${frame.clientId}`);
    if (wasPending) {
        conversation.delete(`p:${frame.clientId}`);
    }
    let key;
    if (stored) {
        if (session.persistence === 'redis' && session.epoch && frame.epoch !== session.epoch) {
            // a new history without the reset frame that should have said so
            historyIncomplete(session, conversation, frame.epoch);
        }
        key = `r:${frame.epoch}:${frame.seq}`;
        if (conversation.has(key)) {
            if (wasPending) {
                render(conversation);
            }
            return; // seen already: replayed, or in the history read
        }
    } else if (frame.clientId) {
        key = `c:${frame.clientId}:${frame.isSent ? 's' : 'r'}`;
    } else {
        key = `f:${++unnamedFrames}`;
    }
    conversation.put({
        key,
        content: frame.content,
        timestamp: Number.isFinite(frame.timestamp) ? frame.timestamp : Date.now(),
        isSent: Boolean(frame.isSent),
        seq: stored ? frame.seq : undefined,
        epoch: stored ? frame.epoch : undefined,
        note: session.persistence === 'redis' && !stored ? 'not stored in Redis' : undefined,
    });
    if (stored && session.persistence === 'redis') {
        if (!session.epoch) {
            session.epoch = frame.epoch;
            session.lastSeq = 0;
        }
        session.lastSeq = Math.max(session.lastSeq ?? 0, frame.seq);
        if (defaultTtl !== null) {
            session.expiresAt = Date.now() + defaultTtl * 1000; // every write restarts the sliding TTL
            sessionList.setTtl(session.id, ttlState(session));
        }
        store.saveSessions(sessions);
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
    await readHistory(session, conversationOf(session), (result, mark, latest) => {
        if (!findSession(id)) {
            return; // removed meanwhile
        }
        if (result.ok) {
            if (result.messages.length > 0) {
                sessionList.setRedisResult(id, { kind: 'messages', messages: result.messages, count: result.messages.length });
            } else {
                sessionList.setRedisResult(id, { kind: 'empty', reason: result.emptyReason ?? 'never_persisted' });
            }
            if (latest) {
                applyHistory(session, conversationOf(session), result, mark);
            } else {
                updateTtl(session, result);
            }
        } else if (result.status === 503) {
            sessionList.setRedisResult(id, { kind: 'error', reason: 'redis_down' });
            pollRedisStatus();
        } else {
            sessionList.setRedisResult(id, { kind: 'error', error: result.error });
        }
    });
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
        if (redisStatus.connected) {
            redisIsUp();
        }
        renderPersistenceHint(settings.sessionPersistenceType, defaultTtl);
    } finally {
        statusInFlight = false;
        statusTimer = setTimeout(pollRedisStatus, STATUS_POLL_MS);
    }
}

/**
 * Redis answers the status check: a history that could not be read (Redis was down) is read now. A
 * server says "resumed" after an interruption only where the session has a history; one with none
 * stays silent, so an interruption older than the server's catch-up (~10 s) is over.
 */
function redisIsUp() {
    if (!active || active.session.persistence !== 'redis') {
        return;
    }
    const { session, conversation } = active;
    // before the connected frame, it decides what to read
    if (active.joined && (!conversation.loaded || conversation.incomplete) && conversation.reading === 0) {
        loadHistory(session, conversation);
    }
    if (active.sync === 'interrupted' && Date.now() - active.syncSince > SYNC_SETTLE_MS) {
        setSync(null);
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
