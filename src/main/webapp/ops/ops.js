// The ops console: wires the DOM-free modules (admin-api, metrics, paging, format, token) to the
// page. Renders with textContent only. Every few seconds: Redis status and the metrics.

import { OpsApi, explain } from './admin-api.js';
import { filterSessions, CursorStack } from './paging.js';
import { formatCount, formatRate, formatTime, formatTtl, parseTtlInput } from './format.js';
import { messagesPerSecond, readCounters } from './metrics.js';
import { TokenStore } from './token.js';

const POLL_MS = 3000;
const $ = (id) => document.getElementById(id);

const tokens = new TokenStore(sessionStorage);
const api = new OpsApi({ base: new URL('..', location.href).pathname, token: tokens.get() });
const cursors = new CursorStack();
let sessions = [];
let opened = null;
let pendingAction = null;
let lastReading = null;

function alertText(text) {
    $('ops-alert').hidden = !text;
    $('ops-alert-text').textContent = text ?? '';
}

function askForToken(why) {
    $('token-panel').hidden = false;
    $('console').hidden = true;
    $('forget-token').hidden = true;
    $('token-error').textContent = why ?? '';
    $('token-input').value = '';
    $('token-input').focus();
}

function showConsole() {
    $('token-panel').hidden = true;
    $('console').hidden = false;
    $('forget-token').hidden = false;
}

/** Shows an error the way its kind asks: a refused token asks again, the rest is a banner. */
function failed(error) {
    if (error.kind === 'unauthorized') {
        tokens.forget();
        api.token = null;
        alertText(null);
        askForToken(explain(error));
        return;
    }
    alertText(explain(error));
}

// ------------------------------------------------------------------------------------ sessions

async function loadPage(cursor) {
    try {
        const page = await api.listSessions(cursor, Number($('page-size').value));
        alertText(null);
        showConsole();
        sessions = page.sessions ?? [];
        cursors.loaded(page.next_cursor);
        $('instances').textContent = formatCount(page.instances);
        renderSessions();
    } catch (error) {
        failed(error);
    }
}

function renderSessions() {
    const shown = filterSessions(sessions, $('search').value);
    const body = $('sessions');
    body.replaceChildren(...shown.map(sessionRow));
    $('sessions-empty').hidden = shown.length > 0;
    $('session-count').textContent = shown.length === sessions.length
        ? String(sessions.length) : `${shown.length} of ${sessions.length}`;
    $('page-number').textContent = `Page ${cursors.pageNumber}`;
    $('prev-page').disabled = !cursors.hasPrevious;
    $('next-page').disabled = !cursors.hasNext;
}

function cell(text) {
    const td = document.createElement('td');
    td.textContent = text;
    return td;
}

function sessionRow(session) {
    const row = document.createElement('tr');
    row.dataset.sessionId = session.session_id;
    if (opened === session.session_id) {
        row.classList.add('selected');
    }
    const open = document.createElement('button');
    open.type = 'button';
    open.className = 'link-button';
    open.textContent = session.session_id;
    open.addEventListener('click', () => openSession(session.session_id));
    const first = document.createElement('th');
    first.scope = 'row';
    first.append(open);
    const ttl = cell(formatTtl(session.ttl_remaining));
    ttl.className = 'ttl';
    row.append(first, cell(String(session.messages)), cell(String(session.last_seq)), ttl,
        cell(String(session.connections)), cell(formatTime(session.last_activity)));
    return row;
}

// ------------------------------------------------------------------------------------ one session

async function openSession(id) {
    opened = id;
    hideConfirm();
    $('detail').hidden = false;
    $('detail-title').textContent = `Session ${id}`;
    $('detail-notice').textContent = '';
    renderSessions();
    await Promise.all([loadDetail(id), loadHistory(id)]);
}

async function loadDetail(id) {
    try {
        const answer = await api.sessionDetail(id);
        renderDetail(answer.session);
    } catch (error) {
        if (error.kind === 'not-found') {
            $('detail-fields').replaceChildren();
            $('detail-notice').textContent = explain(error);
            return;
        }
        failed(error);
    }
}

function renderDetail(session) {
    const fields = [
        ['Entries', String(session.messages)], ['Last seq', String(session.last_seq)], ['Epoch', session.epoch],
        ['TTL', formatTtl(session.ttl_remaining)], ['Connections', String(session.connections)],
        ['Last activity', formatTime(session.last_activity)],
    ];
    $('detail-fields').replaceChildren(...fields.map(([name, value]) => {
        const wrap = document.createElement('div');
        const dt = document.createElement('dt');
        dt.textContent = name;
        const dd = document.createElement('dd');
        dd.textContent = value;
        dd.dataset.field = name.toLowerCase().replace(' ', '-');
        wrap.append(dt, dd);
        return wrap;
    }));
}

async function loadHistory(id) {
    try {
        const answer = await api.history(id);
        const items = (answer.messages ?? []).map((m) => {
            const li = document.createElement('li');
            li.className = m.isSent ? 'sent' : 'reply';
            const meta = document.createElement('span');
            meta.className = 'hint';
            meta.textContent = `#${m.seq ?? ''} ${formatTime(m.timestamp)} ${m.isSent ? 'client' : 'server'}: `;
            const text = document.createElement('span');
            text.className = 'history-text';
            text.textContent = m.content;
            li.append(meta, text);
            return li;
        });
        $('history').replaceChildren(...items);
        $('history-count').textContent = answer.has_more ? `newest ${answer.count}` : String(answer.count);
    } catch (error) {
        $('history').replaceChildren();
        $('history-count').textContent = '';
        $('detail-notice').textContent = explain(error);
    }
}

function confirmThen(text, action) {
    pendingAction = action;
    $('confirm-text').textContent = text;
    $('confirm').hidden = false;
    $('confirm-no').focus();
}

function hideConfirm() {
    pendingAction = null;
    $('confirm').hidden = true;
}

function askTtl(event) {
    event.preventDefault();
    const seconds = parseTtlInput($('ttl-input').value);
    if (seconds === null) {
        $('detail-notice').textContent = 'The TTL is whole seconds, from 1 to 31536000.';
        return;
    }
    const id = opened;
    confirmThen(`Set the TTL of ${id} to ${seconds} s (${formatTtl(seconds)})?`, async () => {
        try {
            const answer = await api.setTtl(id, seconds);
            renderDetail(answer.session);
            $('detail-notice').textContent = `TTL of ${id} set to ${seconds} s.`;
            await loadPage(cursors.current);
        } catch (error) {
            if (error.kind === 'not-found') {
                $('detail-notice').textContent = explain(error);
                return;
            }
            failed(error);
        }
    });
}

function askDelete() {
    const id = opened;
    confirmThen(`Delete session ${id}? Its history is removed and its clients are disconnected.`, async () => {
        try {
            await api.deleteSession(id);
            $('detail-notice').textContent = `Session ${id} deleted.`;
        } catch (error) {
            if (error.kind !== 'not-found') {
                failed(error);
                return;
            }
            $('detail-notice').textContent = explain(error);
        }
        $('detail-fields').replaceChildren();
        $('history').replaceChildren();
        $('history-count').textContent = '';
        await loadPage(cursors.current);
    });
}

// ------------------------------------------------------------------------------------ live figures

async function pollStatus() {
    const pill = $('redis-status');
    try {
        const status = await api.redisStatus();
        const up = status?.redis_connected === true;
        pill.dataset.state = up ? 'up' : 'down';
        $('redis-status-text').textContent = up
            ? `Redis ${status.redis_version ?? ''} connected`.replace('  ', ' ')
            : `Redis down${status?.error ? `: ${status.error}` : ''}`;
    } catch (error) {
        pill.dataset.state = 'down';
        $('redis-status-text').textContent = explain(error);
    }
}

async function pollMetrics() {
    try {
        const reading = readCounters(await api.metricsText(), Date.now());
        const rate = messagesPerSecond(lastReading, reading);
        lastReading = reading;
        $('counter-connections').textContent = formatCount(reading.connections);
        $('counter-received').textContent = formatCount(reading.received);
        $('counter-errors').textContent = formatCount(reading.redisErrors);
        $('counter-rate').textContent = formatRate(rate);
        $('counters-note').textContent = '';
    } catch (error) {
        $('counters-note').textContent = `Metrics unavailable: ${error.message}`;
    }
}

function every(ms, task) {
    const run = async () => {
        await task();
        setTimeout(run, ms);
    };
    run();
}

// ------------------------------------------------------------------------------------ wiring

$('token-form').addEventListener('submit', (event) => {
    event.preventDefault();
    if (!tokens.set($('token-input').value)) {
        $('token-error').textContent = 'Enter the token.';
        return;
    }
    api.token = tokens.get();
    cursors.reset();
    loadPage('');
});
$('forget-token').addEventListener('click', () => {
    tokens.forget();
    api.token = null;
    sessions = [];
    opened = null;
    $('detail').hidden = true;
    askForToken('Token forgotten.');
});
$('search').addEventListener('input', renderSessions);
$('page-size').addEventListener('change', () => {
    cursors.reset();
    loadPage('');
});
$('refresh').addEventListener('click', () => loadPage(cursors.current));
$('next-page').addEventListener('click', () => {
    const cursor = cursors.forward();
    if (cursor !== null) {
        loadPage(cursor);
    }
});
$('prev-page').addEventListener('click', () => {
    const cursor = cursors.back();
    if (cursor !== null) {
        loadPage(cursor);
    }
});
$('ttl-form').addEventListener('submit', askTtl);
$('delete-button').addEventListener('click', askDelete);
$('confirm-no').addEventListener('click', hideConfirm);
$('confirm-yes').addEventListener('click', async () => {
    const action = pendingAction;
    hideConfirm();
    if (action) {
        await action();
    }
});

if (tokens.get()) {
    loadPage('');
} else {
    askForToken('');
}
every(5000, pollStatus);
every(POLL_MS, pollMetrics);
