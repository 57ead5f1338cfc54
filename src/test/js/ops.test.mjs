// The ops console's DOM-free parts: the metrics text, the message rate, paging with a cursor stack,
// the search filter, formatting, the admin API's errors and the token's storage.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { messagesPerSecond, parsePrometheus, readCounters } from '../../main/webapp/ops/metrics.js';
import { CursorStack, filterSessions } from '../../main/webapp/ops/paging.js';
import { formatCount, formatRate, formatTime, formatTtl, parseTtlInput } from '../../main/webapp/ops/format.js';
import { OpsApi, OpsError, errorKind, explain } from '../../main/webapp/ops/admin-api.js';
import { TOKEN_KEY, TokenStore } from '../../main/webapp/ops/token.js';

// As Payara Micro 6 writes it (MicroProfile Metrics 5: _total on counters, an mp_scope label).
const PAYARA = `# HELP chat_connections_open open WebSocket connections on this instance
# TYPE chat_connections_open gauge
chat_connections_open{mp_scope="application"} 3.0
# TYPE chat_messages_received_total counter
chat_messages_received_total{mp_scope="application"} 42.0
chat_messages_persisted_total{mp_scope="application"} 40.0
# TYPE chat_redis_errors_total counter
chat_redis_errors_total{kind="connection",mp_scope="application"} 2.0
chat_redis_errors_total{kind="timeout",mp_scope="application"} 1.0
chat_redis_command_microseconds_bucket{command="append",mp_scope="application",le="+Inf"} 40.0
chat_rejected_inputs_total{reason="a \\"quoted} label",mp_scope="application"} 5.0
`;

test('samples are summed per name over their labels; comments and junk are skipped', () => {
    const sums = parsePrometheus(PAYARA + 'not a sample\nchat_x NaNish\n\n');
    assert.equal(sums.get('chat_connections_open'), 3);
    assert.equal(sums.get('chat_redis_errors_total'), 3);
    assert.equal(sums.get('chat_rejected_inputs_total'), 5, 'a } inside a quoted label value does not end the labels');
    assert.equal(sums.has('not'), false);
    assert.equal(sums.has('chat_x'), false);
});

test('a reading takes the counters the console shows; counters not yet exported are 0, the gauge null', () => {
    assert.deepEqual(readCounters(PAYARA, 1000),
        { at: 1000, connections: 3, received: 42, persisted: 40, redisErrors: 3 });
    assert.deepEqual(readCounters('', 5), { at: 5, connections: null, received: 0, persisted: 0, redisErrors: 0 });
    assert.equal(readCounters('chat_messages_received_total 7\n', 0).received, 7, 'without labels too');
});

test('messages per second come from two readings', () => {
    const first = { at: 1000, received: 10 };
    assert.equal(messagesPerSecond(null, first), null, 'one reading is no rate');
    assert.equal(messagesPerSecond(first, { at: 3000, received: 16 }), 3);
    assert.equal(messagesPerSecond(first, { at: 1000, received: 16 }), null, 'time must move');
    assert.equal(messagesPerSecond(first, { at: 2000, received: 4 }), 4, 'a restarted instance counts from 0');
});

test('paging goes forward with next_cursor and back through the cursors before', () => {
    const pages = new CursorStack();
    assert.equal(pages.pageNumber, 1);
    assert.equal(pages.hasPrevious, false);
    assert.equal(pages.back(), null);
    pages.loaded('c1');
    assert.equal(pages.hasNext, true);
    assert.equal(pages.forward(), 'c1');
    assert.equal(pages.pageNumber, 2);
    pages.loaded('c2');
    assert.equal(pages.forward(), 'c2');
    pages.loaded(undefined);
    assert.equal(pages.hasNext, false, 'no next_cursor: the last page');
    assert.equal(pages.forward(), null);
    assert.equal(pages.back(), 'c1');
    assert.equal(pages.back(), '', 'the first page has no cursor');
    assert.equal(pages.hasPrevious, false);
    pages.loaded('c1');
    pages.forward();
    pages.reset();
    assert.equal(pages.current, '');
    assert.equal(pages.pageNumber, 1);
});

test('search keeps the sessions whose id contains the text, ignoring case', () => {
    const list = [{ session_id: 'Alpha-1' }, { session_id: 'beta-2' }, { session_id: 'alphabet' }];
    assert.deepEqual(filterSessions(list, 'ALPHA').map((s) => s.session_id), ['Alpha-1', 'alphabet']);
    assert.equal(filterSessions(list, '  ').length, 3);
    assert.deepEqual(filterSessions(list, 'zzz'), []);
});

test('formatting of TTLs, rates, counts, times, and the TTL an operator types', () => {
    assert.equal(formatTtl(287), '4:47');
    assert.equal(formatTtl(3725), '1:02:05');
    assert.equal(formatTtl(null), 'no expiry');
    assert.equal(formatRate(null), '–');
    assert.equal(formatRate(2.25), '2.3');
    assert.equal(formatCount(3), '3');
    assert.equal(formatCount(null), '–');
    assert.match(formatTime(Date.UTC(2026, 10, 30, 7, 33, 40)), /^2026-11-30 \d{2}:33:40$/);
    assert.equal(formatTime(undefined), '–');
    assert.equal(parseTtlInput(' 600 '), 600);
    for (const bad of ['0', '-1', '1.5', 'abc', '', '31536001']) {
        assert.equal(parseTtlInput(bad), null, bad);
    }
});

/** A fetch that answers from a list and records what was asked. */
function fakeFetch(...answers) {
    const calls = [];
    const fetchImpl = async (url, init) => {
        calls.push({ url, init });
        const [status, body] = answers.shift();
        return { ok: status >= 200 && status < 300, status, json: async () => body, text: async () => String(body) };
    };
    return { calls, fetchImpl };
}

test('admin calls carry the bearer token and the cursor; their failures are classified', async () => {
    const { calls, fetchImpl } = fakeFetch([200, { success: true, sessions: [], count: 0, instances: 1 }],
        [404, { success: false, error: 'not found' }], [401, { success: false, error: 'bad token' }],
        [503, { success: false, error: 'Redis is unavailable' }], [200, { success: true }]);
    const api = new OpsApi({ base: '/chat/', fetchImpl, token: 't0k' });
    assert.equal((await api.listSessions('0:abc', 5)).instances, 1);
    assert.equal(calls[0].url, '/chat/api/admin/sessions?cursor=0%3Aabc&limit=5');
    assert.equal(calls[0].init.headers.Authorization, 'Bearer t0k');
    await assert.rejects(api.listSessions('', 5), (e) => e.kind === 'admin-off' && e.status === 404);
    await assert.rejects(api.sessionDetail('a b'), (e) => e.kind === 'unauthorized');
    assert.equal(calls[2].url, '/chat/api/admin/sessions/a%20b');
    await assert.rejects(api.deleteSession('x'), (e) => e.kind === 'redis-down' && /unavailable/.test(e.message));
    await api.setTtl('x', 60);
    assert.equal(calls[4].init.method, 'PUT');
    assert.equal(calls[4].init.body, '{"ttl_seconds":60}');
    assert.equal(calls[4].url, '/chat/api/admin/sessions/x/ttl');
});

test('without a token no admin call is made; the public history goes without it', async () => {
    const { calls, fetchImpl } = fakeFetch([200, { success: true, messages: [], count: 0 }]);
    const api = new OpsApi({ base: '/chat', fetchImpl });
    await assert.rejects(api.listSessions('', 5), (e) => e instanceof OpsError && e.kind === 'unauthorized');
    await api.history('s1');
    assert.equal(calls.length, 1);
    assert.equal(calls[0].url, '/chat/api/sessions/s1/messages/');
    assert.equal(calls[0].init.headers.Authorization, undefined);
});

test('each kind of error is explained; a 404 of the list says how to switch the admin API on', () => {
    assert.equal(errorKind(404, { listing: true }), 'admin-off');
    assert.equal(errorKind(404), 'not-found');
    assert.equal(errorKind(500), 'failed');
    assert.match(explain(new OpsError('admin-off', 404, 'not found')), /chat\.admin\.token/);
    assert.match(explain(new OpsError('unauthorized', 401, 'x')), /again/);
    assert.match(explain(new OpsError('redis-down', 503, 'down')), /Redis is unavailable/);
});

test('the token lives in the given storage under one key and can be forgotten', () => {
    const map = new Map();
    const storage = { getItem: (k) => map.get(k) ?? null, setItem: (k, v) => map.set(k, v), removeItem: (k) => map.delete(k) };
    const tokens = new TokenStore(storage);
    assert.equal(tokens.get(), null);
    assert.equal(tokens.set('   '), false);
    assert.equal(tokens.set(' secret '), true);
    assert.equal(map.get(TOKEN_KEY), 'secret');
    tokens.forget();
    assert.equal(tokens.get(), null);
});
