// Everything that touches the DOM. Text from users or the server only ever goes in as
// textContent (via el() and text nodes), never as HTML.

import { authorOf as authorFromMessage } from './conversation.js';
import { afterRender } from './scrolling.js';

export const PERSISTENCE_LABELS = Object.freeze({ localStorage: 'localStorage', redis: 'Redis', none: 'none' });

const PERSISTENCE_NOTES = Object.freeze({
    localStorage: 'messages kept in this browser',
    none: 'messages not kept',
});

/**
 * Likely causes for an empty history, as the persistence guide lists them. A Redis card's panel names its own
 * cause instead where the page knows better (app.js: the history it followed was lost, or expired after the TTL).
 */
export const EMPTY_REASONS = Object.freeze({
    never_persisted: 'no messages sent with Redis persistence in this session',
    expired: 'TTL expired',
    none_in_range: 'no messages in the requested range',
    deleted: 'deleted by an administrator',
    redis_down: 'Redis down',
});

/** Who wrote it: what the page worked out (m.author), else what the message alone says. */
const authorOf = (m) => m.author ?? authorFromMessage(m);

/** The class of a message by its author: `sent` is this browser's side of the chat. */
const AUTHOR_CLASSES = Object.freeze({ you: 'sent', other: 'other', server: 'received' });

/** The classes of a message by its author: another client's also has its colour (tone-N, see app.css). */
const authorClasses = (author) => AUTHOR_CLASSES[author.kind]
    + (author.kind === 'other' && Number.isInteger(author.tone) ? ` tone-${author.tone}` : '');

const AUTHOR_TITLES = Object.freeze({
    you: 'Sent from this browser',
    other: 'Sent by another client of this session',
    server: 'The server\'s reply',
});

/** Creates an element: el('p', {className: 'x', text: 'hi', attrs: {title: 't'}}, child, 'text'). */
export function el(tag, props = {}, ...children) {
    const node = document.createElement(tag);
    const { className, text, attrs, dataset, hidden } = props;
    if (className) {
        node.className = className;
    }
    if (text !== undefined) {
        node.textContent = text;
    }
    for (const [name, value] of Object.entries(attrs ?? {})) {
        if (value !== undefined && value !== null && value !== false) {
            node.setAttribute(name, value === true ? '' : String(value));
        }
    }
    Object.assign(node.dataset, dataset ?? {});
    if (hidden) {
        node.hidden = true;
    }
    for (const child of children) {
        if (child !== null && child !== undefined && child !== false) {
            node.append(child instanceof Node ? child : document.createTextNode(String(child)));
        }
    }
    return node;
}

const timeFormat = new Intl.DateTimeFormat(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
const dateTimeFormat = new Intl.DateTimeFormat(undefined, { dateStyle: 'medium', timeStyle: 'medium' });

export function formatTime(timestamp) {
    return timeFormat.format(new Date(timestamp));
}

/** 299 -> "4:59", 3723 -> "1:02:03". */
export function formatDuration(totalSeconds) {
    const s = Math.max(0, Math.floor(totalSeconds));
    const hours = Math.floor(s / 3600);
    const minutes = Math.floor((s % 3600) / 60);
    const seconds = String(s % 60).padStart(2, '0');
    return hours > 0 ? `${hours}:${String(minutes).padStart(2, '0')}:${seconds}` : `${minutes}:${seconds}`;
}

function timeElement(timestamp) {
    const date = new Date(timestamp);
    return el('time', {
        text: formatTime(timestamp),
        attrs: { datetime: date.toISOString(), title: dateTimeFormat.format(date) },
    });
}

function chip(persistence) {
    return el('span', {
        className: `chip chip-${persistence}`,
        text: PERSISTENCE_LABELS[persistence],
        attrs: { title: persistence === 'redis' ? 'Stored in Redis with TTL' : PERSISTENCE_NOTES[persistence] },
    });
}

// ---------------------------------------------------------------- header: Redis health

/** status: the result of api.fetchRedisStatus(), or null while the first check runs. */
export function renderRedisStatus(status) {
    const pill = document.getElementById('redis-status');
    const text = document.getElementById('redis-status-text');
    const details = document.getElementById('redis-status-details');
    const banner = document.getElementById('redis-banner');
    const bannerTitle = document.getElementById('redis-banner-title');
    const bannerText = document.getElementById('redis-banner-text');

    details.textContent = '';
    if (!status) {
        pill.dataset.state = 'unknown';
        text.textContent = 'Checking Redis…';
        banner.hidden = true;
        return;
    }
    if (!status.reachable) {
        pill.dataset.state = 'down';
        text.textContent = 'Service unreachable';
        bannerTitle.textContent = 'The chat service does not answer.';
        bannerText.textContent = 'Retrying every few seconds.';
        banner.dataset.kind = 'service';
        banner.hidden = false;
        return;
    }
    if (!status.connected) {
        pill.dataset.state = 'down';
        text.textContent = 'Redis down';
        pill.title = status.url ?? '';
        bannerTitle.textContent = 'Redis is down.';
        bannerText.textContent = 'Chat goes on, but messages of Redis sessions are not stored until it is back'
            + `${status.error ? ` (server: ${status.error})` : ''}.`;
        banner.dataset.kind = 'redis';
        banner.hidden = false;
        return;
    }
    pill.dataset.state = 'up';
    text.textContent = 'Redis connected';
    details.textContent = [status.version && `v${status.version}`,
        status.latencyMs !== null && `${status.latencyMs.toFixed(1)} ms`].filter(Boolean).map((d) => `· ${d}`).join(' ');
    pill.title = status.url ?? '';
    banner.hidden = true;
    delete banner.dataset.kind;
}

// ---------------------------------------------------------------- settings

/** After the user changed the setting: what the change applies to (sessions.persistenceScopeNote). */
export function renderPersistenceScope(note) {
    document.getElementById('persistence-scope').textContent = note;
}

export function renderPersistenceHint(type, defaultTtl) {
    const hint = document.getElementById('persistence-hint');
    const detail = document.getElementById('persistence-detail');
    if (type === 'redis') {
        hint.textContent = 'Sessions stored in Redis with TTL';
        detail.textContent = defaultTtl === null || defaultTtl === undefined
            ? 'TTL: waiting for the server…'
            : `TTL: ${defaultTtl} s (${formatDuration(defaultTtl)}), restarted by every message.`;
    } else if (type === 'none') {
        hint.textContent = 'Sessions keep no messages';
        detail.textContent = 'Nothing is stored, neither in this browser nor in Redis.';
    } else {
        hint.textContent = 'Sessions stored in this browser (localStorage)';
        detail.textContent = 'Messages stay in this browser across reloads; nothing is stored in Redis.';
    }
    detail.dataset.ttl = defaultTtl ?? '';
}

// ---------------------------------------------------------------- session cards

/**
 * The list of session cards. Each card is built once and then updated in place, so focus
 * and the countdowns stay put while the app runs.
 */
export class SessionListView {
    #list = document.getElementById('sessions');
    #empty = document.getElementById('sessions-empty');
    #count = document.getElementById('session-count');
    #cards = new Map();
    #handlers;

    /** handlers: {onSelect(id), onRefresh(id), onRemove(id), onCloseResult(id)} */
    constructor(handlers) {
        this.#handlers = handlers;
    }

    /** Makes the list show these sessions in this order, with activeId marked. */
    sync(sessions, activeId) {
        const ids = new Set(sessions.map((s) => s.id));
        for (const [id, card] of this.#cards) {
            if (!ids.has(id)) {
                card.root.remove();
                this.#cards.delete(id);
            }
        }
        let cursor = this.#list.firstElementChild;
        for (const session of sessions) {
            let card = this.#cards.get(session.id);
            if (!card) {
                card = this.#createCard(session);
                this.#cards.set(session.id, card);
            }
            if (card.root === cursor) {
                cursor = cursor.nextElementSibling;
            } else {
                this.#list.insertBefore(card.root, cursor); // only cards out of place move: focus stays
            }
            const active = session.id === activeId;
            card.root.dataset.active = String(active);
            if (active) {
                card.open.setAttribute('aria-current', 'true');
            } else {
                card.open.removeAttribute('aria-current');
                delete card.root.dataset.conn;
            }
        }
        this.#empty.hidden = sessions.length > 0;
        this.#count.textContent = sessions.length > 0 ? `(${sessions.length})` : '';
    }

    focus(id) {
        this.#cards.get(id)?.open.focus();
    }

    /** Scrolls the list (and what holds it) just enough to show this card. */
    reveal(id) {
        this.#cards.get(id)?.root.scrollIntoView({ block: 'nearest' });
    }

    /** The connection state of the active session, shown as a dot on its card. */
    setConnection(id, state) {
        const card = this.#cards.get(id);
        if (card) {
            card.root.dataset.conn = state;
        }
    }

    /** ttl: {state: 'unknown'|'counting'|'expired', seconds?, defaultTtl?} */
    setTtl(id, ttl) {
        const card = this.#cards.get(id);
        if (!card?.ttl) {
            return;
        }
        card.ttl.dataset.state = ttl.state;
        if (ttl.state === 'counting') {
            card.ttl.textContent = `expires in ${formatDuration(ttl.seconds)}`;
            card.ttl.title = 'Time left before Redis drops this history; every message restarts it';
        } else if (ttl.state === 'expired') {
            card.ttl.textContent = 'TTL expired';
            card.ttl.title = 'The history has probably expired in Redis';
        } else {
            card.ttl.textContent = 'not stored yet';
            card.ttl.title = ttl.defaultTtl ? `The TTL (${formatDuration(ttl.defaultTtl)}) starts with the first message`
                : 'The TTL starts with the first message';
        }
    }

    /**
     * What a 🔄 refresh found, one of
     *  {kind: 'loading'}
     *  {kind: 'messages', messages, count}
     *  {kind: 'empty', reason, cause}     reason: a key of EMPTY_REASONS (or unknown); cause: words that replace its own
     *  {kind: 'error', reason, error}     reason 'redis_down' for HTTP 503
     * quiet: the panel is brought up to date by itself, not by the user (the page does not scroll to it).
     */
    setRedisResult(id, result, { quiet = false } = {}) {
        const card = this.#cards.get(id);
        if (!card?.result) {
            return;
        }
        const box = card.result;
        box.hidden = false;
        box.dataset.kind = result.kind;
        box.dataset.reason = result.reason ?? '';
        card.refresh.setAttribute('aria-busy', String(result.kind === 'loading'));
        if (result.kind === 'loading') {
            box.replaceChildren(el('p', { className: 'result-line muted', text: 'Fetching messages from Redis…' }));
            return;
        }
        const close = el('button', {
            className: 'icon-button small close-result',
            text: '✕',
            attrs: { type: 'button', title: 'Close', 'aria-label': `Close what Redis holds for ${id}` },
        });
        close.addEventListener('click', () => this.#handlers.onCloseResult(id));
        const fetchedAt = el('span', { className: 'result-time', text: `fetched ${formatTime(Date.now())}` }, close);
        const reveal = () => !quiet && box.scrollIntoView({ block: 'nearest' });
        if (result.kind === 'messages') {
            const noun = result.count === 1 ? 'message' : 'messages';
            box.replaceChildren(
                el('p', { className: 'result-line' },
                    el('strong', { text: `Redis holds ${result.count} ${noun}` }), fetchedAt),
                el('ol', { className: 'redis-messages' }, ...result.messages.map((m) => {
                    const author = authorOf(m);
                    return el('li', { className: `redis-msg ${authorClasses(author)}` },
                        timeElement(m.timestamp),
                        el('span', { className: 'who', text: author.label, attrs: { title: AUTHOR_TITLES[author.kind] } }),
                        el('span', { className: 'redis-msg-text', text: m.content }));
                })));
            reveal();
            return;
        }
        const cause = result.cause ?? EMPTY_REASONS[result.reason] ?? result.error ?? 'unknown';
        const title = result.kind === 'empty' ? 'Redis holds no messages for this session.'
            : 'Could not read the history from Redis.';
        box.replaceChildren(
            el('p', { className: `result-line result-${result.kind}` },
                el('strong', { text: title }), fetchedAt),
            el('p', { className: 'result-cause' }, 'Likely cause: ', el('span', { className: 'cause', text: cause })));
        reveal();
    }

    /** The 🔄 panel goes (closed, or what it said no longer holds). */
    hideRedisResult(id) {
        const card = this.#cards.get(id);
        if (card?.result) {
            card.result.hidden = true;
            card.result.replaceChildren();
            card.refresh.setAttribute('aria-busy', 'false');
        }
    }

    #createCard(session) {
        const { id, persistence } = session;
        const open = el('button', {
            className: 'card-open',
            attrs: { type: 'button', title: `Open session ${id}` },
        },
        el('span', { className: 'card-id', text: id, attrs: { title: id } }),
        el('span', { className: 'card-sub' },
            el('span', { className: 'conn-dot', attrs: { 'aria-hidden': 'true' } }),
            `created ${formatTime(session.createdAt)}`));
        open.addEventListener('click', () => this.#handlers.onSelect(id));

        const remove = el('button', {
            className: 'button ghost small remove',
            text: 'Remove',
            attrs: { type: 'button', 'aria-label': `Remove session ${id}` },
        });
        remove.addEventListener('click', () => this.#handlers.onRemove(id));

        const meta = el('div', { className: 'card-meta' }, chip(persistence));
        let refresh = null;
        let ttl = null;
        let result = null;
        if (persistence === 'redis') {
            refresh = el('button', {
                className: 'icon-button refresh',
                text: '🔄',
                attrs: { type: 'button', title: 'Fetch messages from Redis',
                    'aria-label': `Fetch messages of ${id} from Redis` },
            });
            refresh.addEventListener('click', () => this.#handlers.onRefresh(id));
            ttl = el('span', { className: 'ttl', attrs: { 'aria-live': 'off' } });
            result = el('div', { className: 'redis-result', attrs: { 'aria-live': 'polite' }, hidden: true });
            meta.append(refresh, ttl);
        } else {
            meta.append(el('span', { className: 'card-note', text: PERSISTENCE_NOTES[persistence] }));
        }

        const root = el('li', { className: 'card', dataset: { sessionId: id, persistence } },
            el('div', { className: 'card-head' }, open, remove), meta, result);
        return { root, open, refresh, ttl, result };
    }
}

// ---------------------------------------------------------------- chat panel

const CONNECTION_TEXT = {
    idle: () => 'Not connected',
    closed: () => 'Not connected',
    connecting: ({ attempt, reconnect }) =>
        (reconnect || attempt > 1 ? `Reconnecting… (attempt ${attempt})` : 'Connecting…'),
    open: () => 'Connected',
    waiting: ({ retryAt, attempt }) => `Disconnected · reconnecting in `
        + `${Math.max(1, Math.ceil((retryAt - Date.now()) / 1000))} s (attempt ${attempt})`,
    refused: ({ reason }) => `Refused: ${reason}`,
};

const ANNOUNCEMENTS = {
    open: 'Connected',
    waiting: 'Disconnected, reconnecting',
    refused: 'The server refused this session',
};

export class ChatView {
    #title = document.getElementById('chat-title');
    #chip = document.getElementById('chat-chip');
    #state = document.getElementById('chat-state');
    #stateText = document.getElementById('chat-state-text');
    #stateAnnounce = document.getElementById('chat-state-announce');
    #frame = document.getElementById('messages-frame');
    #messages = document.getElementById('messages');
    #newBelow = document.getElementById('new-messages');
    #empty = document.getElementById('chat-empty');
    #notice = document.getElementById('chat-notice');
    #input = document.getElementById('message-input');
    #send = document.getElementById('send-button');
    #form = document.getElementById('composer');
    #items = new Map(); // message key -> {node, signature}
    #connection = { state: 'idle' };
    #sync = null;
    #syncReason = null;

    /**
     * onSend(text) returns an error text to show, or null when the message was taken; onRetry(key): the retry
     * button of a message that failed.
     */
    constructor({ onSend, onRetry = () => {} }) {
        this.#messages.addEventListener('click', (event) => {
            const button = event.target.closest?.('button.msg-retry');
            if (button) {
                onRetry(button.closest('li').dataset.key);
            }
        });
        this.#form.addEventListener('submit', (event) => {
            event.preventDefault();
            const error = onSend(this.#input.value);
            if (error) {
                this.setNotice(error, 'error');
            } else {
                this.#input.value = '';
                this.#fitInput();
            }
        });
        // Enter sends; Shift+Enter is the textarea's own line break; Enter that ends an IME composition is the IME's
        this.#input.addEventListener('keydown', (event) => {
            if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
                event.preventDefault();
                this.#form.requestSubmit();
            }
        });
        this.#input.addEventListener('input', () => this.#fitInput());
        this.#messages.addEventListener('scroll', () => {
            if (this.#atBottom()) {
                this.#newBelow.hidden = true;
            }
        }, { passive: true });
        this.#newBelow.addEventListener('click', () => {
            const smooth = !window.matchMedia('(prefers-reduced-motion: reduce)').matches;
            this.#messages.scrollTo({ top: this.#messages.scrollHeight, behavior: smooth ? 'smooth' : 'auto' });
        });
    }

    #atBottom() {
        const list = this.#messages;
        return list.scrollHeight - list.scrollTop - list.clientHeight < 48;
    }

    /** The composer grows with its lines; app.css' max-height stops it, and from there it scrolls. */
    #fitInput() {
        const input = this.#input;
        input.style.height = 'auto'; // CSSOM, not a style attribute in markup: the page's CSP allows it
        const borders = input.offsetHeight - input.clientHeight;
        input.style.height = `${input.scrollHeight + borders}px`;
    }

    show(session) {
        this.#messages.replaceChildren();
        this.#items = new Map();
        this.#newBelow.hidden = true;
        this.setNotice('');
        this.setSync(null);
        this.setBusy(false);
        if (!session) {
            this.#title.textContent = 'No session selected';
            this.#title.removeAttribute('title');
            this.#chip.hidden = true;
            this.#frame.hidden = true;
            this.#empty.hidden = false;
            this.#input.disabled = true;
            this.#send.disabled = true;
            this.setConnection({ state: 'idle' });
            return;
        }
        this.#title.textContent = session.id;
        this.#title.title = session.id;
        this.#chip.hidden = false;
        this.#chip.className = `chip chip-${session.persistence}`;
        this.#chip.textContent = PERSISTENCE_LABELS[session.persistence];
        this.#frame.hidden = false;
        this.#empty.hidden = true;
        this.#input.disabled = false;
        this.#send.disabled = false;
    }

    focusInput() {
        this.#input.focus({ preventScroll: true });
    }

    scrollIntoView() {
        this.#form.closest('.chat').scrollIntoView({ block: 'start' });
    }

    setConnection(detail) {
        if (this.#state.dataset.state !== detail.state) {
            // screen readers hear state changes, not the countdown ticking inside one
            this.#stateAnnounce.textContent = ANNOUNCEMENTS[detail.state] ?? '';
        }
        this.#connection = detail;
        this.#state.dataset.state = detail.state;
        this.#renderConnection();
    }

    /**
     * The server's live feed of the open session: null (fine) or 'interrupted' (messages may come late); reason
     * 'redis_down' when the page found Redis down (the server has not said so itself).
     */
    setSync(state, reason = null) {
        if (this.#sync === state && this.#syncReason === reason) {
            return;
        }
        this.#sync = state;
        this.#syncReason = reason;
        if (state) {
            this.#state.dataset.sync = state;
        } else {
            delete this.#state.dataset.sync;
        }
        if (this.#connection.state === 'open') {
            this.#stateAnnounce.textContent = state ? 'Live updates interrupted' : 'Live updates back';
        }
        this.#renderConnection();
    }

    #renderConnection() {
        const detail = this.#connection;
        const interrupted = this.#sync === 'interrupted' && detail.state === 'open';
        const down = interrupted && this.#syncReason === 'redis_down';
        this.#stateText.textContent = (CONNECTION_TEXT[detail.state] ?? CONNECTION_TEXT.idle)(detail)
            + (down ? ' · Redis down: live updates interrupted' : interrupted ? ' · live updates interrupted' : '');
        this.#state.title = down ? 'Redis is down: nothing is stored, and other clients\' messages may not come through'
            : interrupted ? 'The server lost its live feed from Redis for a moment: messages may come late'
                : detail.reason ? `Last close: ${detail.reason}` : '';
    }

    /** While the history is being read, the log says so (aria-busy): what it shows may still change. */
    setBusy(busy) {
        this.#messages.setAttribute('aria-busy', String(busy));
    }

    setNotice(text, kind = 'info') {
        this.#notice.textContent = text;
        this.#notice.dataset.kind = kind;
    }

    /**
     * messages: [{key, content, timestamp, isSent, author, status: 'pending'|'failed'|undefined, note, archived}], in
     * order (author: conversation.authorOf()'s answer; archived: no longer in Redis), and dividers {key, divider, text}.
     * emptyText: what the empty list says instead of "No messages yet" (null: that).
     * Reuses the items already shown (the log only announces what is new); then scrolls as scrolling.js
     * decides: to our message just sent, along with the newest when the view was at the bottom, or not
     * at all, with the "new messages ↓" pill for what came in below.
     */
    renderMessages(messages, { emptyText = null } = {}) {
        const list = this.#messages;
        if (emptyText) {
            list.dataset.empty = emptyText;
        } else {
            delete list.dataset.empty;
        }
        const wasAtBottom = this.#atBottom();
        const shownKeys = new Set(this.#items.keys());
        const shown = new Map();
        let cursor = list.firstElementChild;
        for (const m of messages) {
            const signature = m.divider ? `divider|${m.text}`
                : `${m.status ?? ''}|${m.note ?? ''}|${m.archived ?? ''}|${authorOf(m).label}|${m.timestamp}|${m.content}`;
            let item = this.#items.get(m.key);
            if (!item || item.signature !== signature) {
                item = { node: m.divider ? dividerItem(m) : messageItem(m), signature };
            }
            shown.set(m.key, item);
            if (item.node === cursor) {
                cursor = cursor.nextElementSibling;
            } else {
                list.insertBefore(item.node, cursor);
            }
        }
        while (cursor) { // what is left after the last expected item is gone from the conversation
            const next = cursor.nextElementSibling;
            cursor.remove();
            cursor = next;
        }
        this.#items = shown;
        const next = afterRender({ shownKeys, messages: messages.filter((m) => !m.divider), wasAtBottom });
        if (next.action === 'reveal') {
            const node = shown.get(next.key).node;
            // the list alone scrolls (scrollIntoView would move the page too, on a phone)
            list.scrollTop += node.getBoundingClientRect().bottom - list.getBoundingClientRect().bottom
                + parseFloat(getComputedStyle(list).paddingBottom);
        } else if (next.action === 'bottom') {
            list.scrollTop = list.scrollHeight;
        }
        if (next.action !== 'stay' || this.#atBottom()) {
            this.#newBelow.hidden = true;
        } else if (next.unseen > 0) {
            this.#newBelow.hidden = false;
        }
    }
}

function messageItem(m) {
    const author = authorOf(m);
    const meta = el('p', { className: 'msg-meta' }, timeElement(m.timestamp));
    if (author.kind === 'other') {
        meta.prepend(el('span', { className: 'msg-author', text: author.label, attrs: { title: AUTHOR_TITLES.other } }));
    }
    if (m.status === 'pending') {
        meta.append(el('span', { className: 'msg-flag', text: m.note ? `sending… (${m.note})` : 'sending…' }));
    } else if (m.status === 'failed') {
        meta.append(el('span', { className: 'msg-flag error', text: `not sent: ${m.note ?? 'refused'}` }),
            el('button', { className: 'button small msg-retry', text: 'Retry', attrs: { type: 'button' } }));
    } else if (m.note) {
        meta.append(el('span', { className: 'msg-flag warn', text: m.note }));
    }
    return el('li', {
        className: `msg ${authorClasses(author)}`,
        dataset: { key: m.key, status: m.status ?? 'delivered', author: author.kind, ...(m.archived ? { archived: 'true' } : {}) },
        attrs: { title: m.archived ? 'No longer in Redis' : undefined },
    },
    el('span', { className: 'visually-hidden', text: `${author.label.charAt(0).toUpperCase()}${author.label.slice(1)}: ` }),
    el('p', { className: 'msg-text', text: m.content }),
    meta);
}

/** Where the history Redis holds begins: what is above it Redis no longer holds (m.text says why). */
function dividerItem(m) {
    return el('li', { className: 'history-divider', dataset: { key: m.key, cause: m.cause ?? '' }, attrs: { role: 'separator' } },
        el('span', { className: 'history-divider-text', text: m.text }));
}

// ---------------------------------------------------------------- add-session form

export class AddSessionForm {
    #form = document.getElementById('add-session-form');
    #input = document.getElementById('session-id');
    #error = document.getElementById('session-id-error');

    /**
     * onAdd(idOrEmpty) returns {error} (shown, nothing done), {info} (done, with something to say: the
     * card was there already and is opened), or null (a card was added).
     */
    constructor({ onAdd }) {
        this.#form.addEventListener('submit', (event) => {
            event.preventDefault();
            const answer = onAdd(this.#input.value.trim());
            this.showError(answer?.error ?? null);
            if (!answer?.error) {
                this.#input.value = '';
                this.#error.textContent = answer?.info ?? '';
                this.#error.dataset.kind = 'info';
            }
        });
        this.#input.addEventListener('input', () => this.showError(null));
    }

    showError(error) {
        this.#error.textContent = error ?? '';
        this.#error.dataset.kind = 'error';
        if (error) {
            this.#input.setAttribute('aria-invalid', 'true');
            this.#input.focus();
        } else {
            this.#input.removeAttribute('aria-invalid');
        }
    }

    focus() {
        this.#input.focus();
    }
}

/**
 * The access token field: hidden until the server asks for a token (or one is in use), so a
 * server without access control never shows it.
 */
export class AccessTokenForm {
    #panel = document.getElementById('access-panel');
    #form = document.getElementById('access-form');
    #input = document.getElementById('access-token');
    #hint = document.getElementById('access-hint');
    #error = document.getElementById('access-error');

    /** onToken(text) returns an error text, or null when the token was taken. */
    constructor({ onToken }) {
        this.#form.addEventListener('submit', (event) => {
            event.preventDefault();
            const error = onToken(this.#input.value);
            this.#error.textContent = error ?? '';
            if (!error) {
                this.#input.value = '';
            }
        });
    }

    /** The server wants a token: why (its words), shown under the field; focus moves there. */
    ask(reason) {
        this.#panel.hidden = false;
        this.#hint.textContent = 'This server needs an access token (a JWT from your identity provider). '
            + 'It is kept in this tab only.';
        this.#error.textContent = reason ?? '';
        this.#input.focus();
    }

    /** A token is in use: the field stays, to replace it. */
    inUse() {
        this.#panel.hidden = false;
        this.#hint.textContent = 'A token is in use in this tab. Paste another to replace it.';
        this.#error.textContent = '';
    }
}

/** "Session X removed — Undo": shown for a few seconds after a card is removed (app.js keeps the time). */
export class UndoNotice {
    #notice = document.getElementById('session-undo');
    #text = document.getElementById('session-undo-text');
    #button = document.getElementById('session-undo-button');
    #onUndo = null;

    constructor() {
        this.#button.addEventListener('click', () => {
            const undo = this.#onUndo;
            this.hide();
            undo?.();
        });
    }

    show(sessionId, onUndo) {
        this.#onUndo = onUndo;
        this.#text.replaceChildren('Session ', el('span', { className: 'undo-id', text: sessionId, attrs: { title: sessionId } }),
            ' removed — ');
        this.#button.setAttribute('aria-label', `Undo: put session ${sessionId} back`);
        this.#notice.hidden = false;
    }

    hide() {
        this.#onUndo = null;
        this.#notice.hidden = true;
    }
}
