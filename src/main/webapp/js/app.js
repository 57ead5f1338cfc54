// The page: wires the chat protocol (protocol.js), the session cards (sessions.js), Redis health
// (redis-status.js) and other tabs (tabsync.js) to the views, the socket, the store and the API.
// The decisions are made in those modules; this file carries them out and holds what is open.

import { accessToken, setAccessToken } from './access.js';
import { fetchRedisStatus, fetchSessionMessages } from './api.js';
import { withAuthors } from './conversation.js';
import { ChatProtocol, authorSecret, clientIdSource, serverLimits } from './protocol.js';
import { RedisStatusPoller } from './redis-status.js';
import {
    historyLossText, newSession, persistenceScopeNote, restoreSession, spokenDuration, ttlState,
} from './sessions.js';
import { ChatSocket } from './socket.js';
import * as store from './store.js';
import { changedParts, mergeSessions } from './tabsync.js';
import {
    AccessTokenForm, AddSessionForm, ChatView, PERSISTENCE_LABELS, SessionListView, UndoNotice, renderPersistenceHint, renderPersistenceScope,
    renderRedisStatus,
} from './views.js';

const narrowScreen = window.matchMedia('(max-width: 899px)');
const nextClientId = clientIdSource();
const author = store.authorSecret(authorSecret);
const limits = serverLimits();
/** How long a removed card can be put back. */
const UNDO_MS = 8000;

// ---------------------------------------------------------------- state

const settings = store.loadSettings();
const sessions = store.loadSessions();
/** One protocol (with its conversation) per session shown since the page loaded. */
const chats = new Map();
/** A chat's timer for its next paced or retried send (the protocol's wake effect). */
const wakeTimers = new Map();
/** The open chat and its socket, or null. */
let active = null;
/** The card removed last, while it can still be put back: {session, index, chat, messages, wasActive, timer}. */
let removed = null;
/** The cards whose 🔄 panel is open: id -> {state: panelState() when it was fetched, busy: a fetch is out}. */
const panels = new Map();

const findSession = (id) => sessions.find((s) => s.id === id);

const redisStatus = new RedisStatusPoller({ fetchStatus: fetchRedisStatus, onStatus: showRedisStatus });

function chatOf(session) {
    let chat = chats.get(session.id);
    if (!chat) {
        chat = new ChatProtocol({
            session,
            messages: session.persistence === 'localStorage' ? store.loadMessages(session.id) : [],
            unsent: store.loadUnsent(session.id),
            defaultTtl: () => redisStatus.defaultTtl,
            limits,
        });
        chats.set(session.id, chat);
    }
    return chat;
}

// ---------------------------------------------------------------- views

const sessionList = new SessionListView({
    onSelect: (id) => selectSession(id),
    onRefresh: (id) => refreshFromRedis(id),
    onRemove: (id) => removeSession(id),
    onCloseResult: (id) => closePanel(id),
});
const chatView = new ChatView({ onSend: sendMessage, onRetry: retryMessage });
const addForm = new AddSessionForm({ onAdd: addSession });
const accessForm = new AccessTokenForm({ onToken: useAccessToken });
const undoNotice = new UndoNotice();
const persistenceSelect = document.getElementById('persistence');

function render(chat) {
    if (active?.chat === chat) {
        chatView.renderMessages(withAuthors(chat.conversation.shown(), chat.ownConnectionIds),
            { emptyText: chat.emptyText });
    }
}

function showBusy(chat) {
    if (active?.chat === chat) {
        chatView.setBusy(chat.conversation.reading > 0);
    }
}

function showTtls() {
    sessions.filter((s) => s.persistence === 'redis')
        .forEach((s) => sessionList.setTtl(s.id, ttlState(s, Date.now(), redisStatus.defaultTtl)));
}

/** The protocol asked to be woken at this time; one timer per chat, the latest ask wins. */
function wakeAt(chat, at) {
    clearTimeout(wakeTimers.get(chat));
    wakeTimers.set(chat, setTimeout(() => {
        wakeTimers.delete(chat);
        if (active?.chat === chat) {
            run(chat, chat.tick());
        }
    }, Math.max(0, at - Date.now())));
}

/** Carries out what the protocol decided (see protocol.js for the effects); views only for the open chat. */
function run(chat, effects) {
    const showing = active?.chat === chat;
    const once = new Set();
    for (const effect of effects) {
        switch (effect.type) {
            case 'send':
                if (showing) {
                    active.socket.send(effect.text);
                }
                break;
            case 'readHistory':
                loadHistory(chat, effect.ticket);
                break;
            case 'notice':
                if (showing) {
                    chatView.setNotice(effect.text, effect.kind);
                }
                break;
            case 'sync':
                if (showing) {
                    chatView.setSync(effect.state, effect.reason ?? null);
                }
                break;
            case 'checkRedis':
                redisStatus.poll();
                break;
            case 'wake':
                wakeAt(chat, effect.at);
                break;
            default: // render, sessionChanged, ttlChanged, messagesChanged: once, after the rest
                once.add(effect.type);
        }
    }
    if (once.has('sessionChanged')) {
        store.saveSessions(sessions);
        if (chat.session.persistence === 'redis' && redisStatus.status?.connected === false) {
            redisStatus.poll(); // Redis stored something or started over: the header should not say "down" for long
        }
    }
    if (once.has('messagesChanged') && chat.session.persistence === 'localStorage') {
        store.saveMessages(chat.session.id, chat.conversation.delivered());
    }
    if (once.has('unsentChanged') && chats.get(chat.session.id) === chat) {
        store.saveUnsent(chat.session.id, chat.unsent());
    }
    if (once.has('ttlChanged')) {
        showTtls();
    }
    if (once.has('render')) {
        render(chat);
    }
    updatePanels();
}

// ---------------------------------------------------------------- settings

persistenceSelect.value = settings.sessionPersistenceType;
renderPersistenceHint(settings.sessionPersistenceType, redisStatus.defaultTtl);
persistenceSelect.addEventListener('change', () => {
    settings.sessionPersistenceType = store.PERSISTENCE_TYPES.includes(persistenceSelect.value)
        ? persistenceSelect.value : store.DEFAULT_PERSISTENCE;
    store.saveSettings(settings);
    renderPersistenceHint(settings.sessionPersistenceType, redisStatus.defaultTtl);
    renderPersistenceScope(persistenceScopeNote(sessions));
});

// ---------------------------------------------------------------- sessions

/** The add form: a new card, or the card of that id opened again. @returns {{error}|{info}|null} see AddSessionForm */
function addSession(typedId) {
    const { session, existing, error } = newSession(typedId, { sessions, persistence: settings.sessionPersistenceType });
    if (error) {
        return { error };
    }
    if (existing) {
        selectSession(existing.id);
        return { info: `Session ${existing.id} is already in the list (${PERSISTENCE_LABELS[existing.persistence]}): `
            + 'opened it.' };
    }
    if (removed?.session.id === session.id) {
        forgetRemoved(); // added anew: the removed card is not put back over it
    }
    sessions.push(session);
    store.saveSessions(sessions);
    sessionList.sync(sessions, active?.chat.session.id);
    showTtls();
    selectSession(session.id);
    return null;
}

/**
 * Removes a card at once (also from storage, so a reload or another tab sees it gone), and keeps what it
 * held in memory for UNDO_MS, so "Undo" can put it back as it was.
 */
function removeSession(id) {
    const index = sessions.findIndex((s) => s.id === id);
    if (index < 0) {
        return;
    }
    forgetRemoved();
    const session = sessions[index];
    const wasActive = active?.chat.session.id === id;
    if (wasActive) {
        closeActive();
        chatView.show(null);
    }
    const messages = session.persistence === 'localStorage' ? store.loadMessages(id) : [];
    removed = { session, index, chat: chats.get(id), messages, wasActive, timer: setTimeout(forgetRemoved, UNDO_MS) };
    sessions.splice(index, 1);
    store.saveSessions(sessions);
    store.forgetMessages(id);
    chats.delete(id);
    sessionList.sync(sessions, active?.chat.session.id);
    undoNotice.show(id, undoRemoval);
    const next = sessions[Math.min(index, sessions.length - 1)];
    if (next) {
        sessionList.focus(next.id);
    } else {
        addForm.focus();
    }
}

/** The last removal is final: no more undo. */
function forgetRemoved() {
    if (removed) {
        clearTimeout(removed.timer);
        removed = null;
        undoNotice.hide();
    }
}

/** "Undo": the removed card back in its place, with its messages; open again if it was open. */
function undoRemoval() {
    const back = removed;
    forgetRemoved();
    if (!back || !restoreSession(sessions, back.session, back.index)) {
        return;
    }
    const { session, chat, messages } = back;
    if (chat) {
        chats.set(session.id, chat);
    }
    if (session.persistence === 'localStorage') {
        store.saveMessages(session.id, chat ? chat.conversation.delivered() : messages);
    }
    if (chat) {
        store.saveUnsent(session.id, chat.unsent());
    }
    store.saveSessions(sessions);
    sessionList.sync(sessions, active?.chat.session.id);
    showTtls();
    if (back.wasActive) {
        selectSession(session.id);
    } else {
        sessionList.reveal(session.id);
        sessionList.focus(session.id);
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
    if (active?.chat.session.id !== id) {
        closeActive();
        const chat = chatOf(session);
        chat.attach();
        const socket = new ChatSocket({
            sessionId: id,
            redisPersistence: session.persistence === 'redis',
            authorSecret: author,
            resumeFrom: () => chat.resumePoint(),
            lastNumber: () => chat.lastNumber(),
            onFrame: (frame) => active?.chat === chat && run(chat, chat.receive(frame)),
            onState: (detail) => showConnection(chat, detail),
            onOpen: (resume) => active?.chat === chat && chat.opened(resume),
            accessToken,
            onAuthRequired: () => accessForm.ask('Paste your token to join this session.'),
        });
        active = { chat, socket };
        settings.activeSessionId = id;
        store.saveSettings(settings);
        chatView.show(session);
        render(chat);
        showBusy(chat);
        sessionList.sync(sessions, id);
        socket.open();
    }
    if (focus || !narrowScreen.matches) {
        sessionList.reveal(id); // on a phone the chat below is what a user action goes to (next)
    }
    if (focus) {
        chatView.focusInput();
        if (narrowScreen.matches) {
            chatView.scrollIntoView();
        }
    }
}

function showConnection(chat, detail) {
    if (active?.chat !== chat) {
        return;
    }
    const effects = chat.connectionChanged(detail);
    chatView.setConnection(detail);
    sessionList.setConnection(chat.session.id, detail.state);
    if (detail.state === 'refused' && detail.auth) {
        chatView.setNotice(`Access token needed: ${detail.reason}. Paste a token under Access to join.`, 'error');
        accessForm.ask(detail.reason);
    } else if (detail.state === 'refused') {
        chatView.setNotice(`The server refused this session: ${detail.reason}`, 'error');
    }
    run(chat, effects);
}

/** The user pasted a token: kept for this tab, and the open session reconnects with it. */
function useAccessToken(text) {
    const error = setAccessToken(text);
    if (error) {
        return error;
    }
    accessForm.inUse();
    const id = active?.chat.session.id;
    if (id) {
        closeActive();
        selectSession(id);
    }
    return null;
}

function sendMessage(text) {
    if (!active) {
        return 'Pick a session first.';
    }
    const { error, effects } = active.chat.send(text, nextClientId());
    if (error) {
        return error;
    }
    run(active.chat, effects);
    return null;
}

/** The retry button of a message that failed (its key). */
function retryMessage(key) {
    if (!active) {
        return;
    }
    const { error, effects } = active.chat.retry(key);
    if (error) {
        chatView.setNotice(error, 'error');
    } else {
        run(active.chat, effects);
    }
}

// ---------------------------------------------------------------- a Redis session's history (REST)

/** Reads the history the protocol asked for (ticket: its startHistoryRead()) and hands the answer back. */
async function loadHistory(chat, ticket) {
    showBusy(chat);
    try {
        const result = await fetchSessionMessages(chat.session.id);
        if (result.status === 401 || result.status === 403) {
            accessForm.ask(result.error);
        }
        const latest = chat.isLatestHistoryRead(ticket) && chats.get(chat.session.id) === chat;
        run(chat, chat.historyAnswered(result, ticket, latest));
    } finally {
        chat.endHistoryRead();
        showBusy(chat);
    }
}

/**
 * The card's 🔄: shows what Redis holds, and takes it into the conversation too. The panel stays open (until
 * closed) and is fetched again, quietly, whenever what it describes changes (see updatePanels).
 */
async function refreshFromRedis(id, { quiet = false } = {}) {
    const session = findSession(id);
    if (!session) {
        return;
    }
    const chat = chatOf(session);
    const panel = { state: panelState(session), busy: true };
    panels.set(id, panel);
    const showing = () => panels.get(id) === panel; // not closed, nor fetched again meanwhile
    if (!quiet) {
        sessionList.setRedisResult(id, { kind: 'loading' });
    }
    const hadHistory = Boolean(session.epoch);
    const ticket = chat.startHistoryRead();
    showBusy(chat);
    try {
        const result = await fetchSessionMessages(id);
        if (!findSession(id)) {
            return; // removed meanwhile
        }
        let shown = null;
        if (result.ok) {
            if (result.messages.length > 0) {
                const messages = withAuthors(result.messages, chat.ownConnectionIds);
                shown = { kind: 'messages', messages, count: messages.length };
            } else {
                shown = { kind: 'empty', ...emptyCause(chat, result.emptyReason ?? 'never_persisted', hadHistory) };
            }
            const latest = chat.isLatestHistoryRead(ticket) && chats.get(id) === chat;
            run(chat, latest ? chat.applyHistory(result, ticket.mark) : chat.ttlFromHistory(result));
        } else if (result.status === 503) {
            shown = { kind: 'error', reason: 'redis_down' };
            panel.state = panelState(session, false); // fetched again once the status says Redis is up
            redisStatus.poll();
        } else if (result.status === 401 || result.status === 403) {
            shown = { kind: 'error', error: `access token: ${result.error}` };
            accessForm.ask(result.error);
        } else {
            shown = { kind: 'error', error: result.error };
        }
        if (showing()) {
            sessionList.setRedisResult(id, shown, { quiet });
        }
    } finally {
        chat.endHistoryRead();
        showBusy(chat);
        panel.busy = false;
        if (showing()) {
            updatePanels(); // what changed while it was out is fetched once more
        }
    }
}

/**
 * Why Redis holds no messages for a Redis card, as its panel says it: {reason, cause?}. The server's empty_reason,
 * unless this page knows better: "never persisted" for a session whose history this page followed means Redis lost
 * it; "expired" comes with the TTL it ran out after.
 */
function emptyCause(chat, reason, hadHistory) {
    if (reason === 'never_persisted' && (hadHistory || chat.loss?.cause === 'lost')) {
        return { reason: 'lost', cause: historyLossText('lost', { restarted: chat.loss?.restarted ?? chat.sawRedisDown }) };
    }
    if (reason === 'expired' && redisStatus.defaultTtl) {
        return { reason, cause: `TTL expired (${spokenDuration(redisStatus.defaultTtl)} without messages)` };
    }
    return { reason };
}

/** What a card's 🔄 panel describes: when it changes (a message, a reset, the TTL, Redis up or down) it is fetched again. */
function panelState(session, redisConnected = redisStatus.connected) {
    const expired = ttlState(session, Date.now(), redisStatus.defaultTtl).state === 'expired';
    return [session.epoch, session.lastSeq, expired, redisConnected].join('|');
}

/** Open panels whose card changed since they were fetched are fetched again, so none contradicts its card. */
function updatePanels() {
    for (const [id, panel] of panels) {
        const session = findSession(id);
        if (!session) {
            panels.delete(id);
        } else if (!panel.busy && panel.state !== panelState(session)) {
            refreshFromRedis(id, { quiet: true });
        }
    }
}

function closePanel(id) {
    panels.delete(id);
    sessionList.hideRedisResult(id);
}

// ---------------------------------------------------------------- Redis health

function showRedisStatus(status) {
    renderRedisStatus(status);
    if (status.connected && active) {
        run(active.chat, active.chat.redisUp());
    } else if (status.reachable && active) {
        run(active.chat, active.chat.redisDown());
    }
    renderPersistenceHint(settings.sessionPersistenceType, redisStatus.defaultTtl);
    updatePanels();
}

document.addEventListener('visibilitychange', () => document.visibilityState === 'visible' && redisStatus.poll());

// ---------------------------------------------------------------- other tabs of this page

window.addEventListener('storage', (event) => {
    const changed = changedParts(event.key, { sessionsKey: store.SESSIONS_KEY, settingsKey: store.SETTINGS_KEY });
    if (changed.sessions) {
        const merged = mergeSessions(sessions, store.loadSessions());
        if (active && merged.removed.includes(active.chat.session.id)) {
            closeActive();
            chatView.show(null);
        }
        sessions.splice(0, sessions.length, ...merged.sessions);
        [...chats.keys()].filter((id) => !findSession(id)).forEach((id) => chats.delete(id));
        sessionList.sync(sessions, active?.chat.session.id);
        showTtls();
    }
    if (changed.settings) {
        settings.sessionPersistenceType = store.loadSettings().sessionPersistenceType;
        persistenceSelect.value = settings.sessionPersistenceType;
        renderPersistenceHint(settings.sessionPersistenceType, redisStatus.defaultTtl);
    }
});

// ---------------------------------------------------------------- start

function tick() {
    showTtls();
    if (active?.chat.connection.state === 'waiting') {
        chatView.setConnection(active.chat.connection);
    }
    if (active) {
        run(active.chat, active.chat.ttlRanOut()); // the open chat says when its history expired
    }
    updatePanels();
}

renderRedisStatus(null);
if (accessToken()) {
    accessForm.inUse();
}
chatView.show(null);
sessionList.sync(sessions, null);
showTtls();
if (settings.activeSessionId && findSession(settings.activeSessionId)) {
    selectSession(settings.activeSessionId, { focus: false });
}
redisStatus.poll();
setInterval(tick, 1000);
