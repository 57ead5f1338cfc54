// Polling Redis status: one check at a time, on a timer, keeping the last known TTL.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { RedisStatusPoller, STATUS_POLL_MS } from '../../main/webapp/js/redis-status.js';

/** Timers the test fires by hand. */
function fakeTimers() {
    const pending = new Map();
    let next = 0;
    return {
        pending,
        setTimeout: (fn, ms) => {
            pending.set(++next, { fn, ms });
            return next;
        },
        clearTimeout: (id) => pending.delete(id),
        async fire() {
            const [[id, { fn }]] = pending;
            pending.delete(id);
            await fn();
        },
    };
}

const up = (defaultTtl = 300) => ({ reachable: true, connected: true, defaultTtl, url: 'redis://x', version: '7', latencyMs: 1, error: null });
const unreachable = () => ({ reachable: false, connected: false, defaultTtl: null, url: null, version: null, latencyMs: null, error: 'no' });

test('each answer is reported and the next check is scheduled', async () => {
    const timers = fakeTimers();
    const seen = [];
    const poller = new RedisStatusPoller({ fetchStatus: async () => up(), onStatus: (s) => seen.push(s.connected), timers });
    await poller.poll();
    assert.deepEqual(seen, [true]);
    assert.equal(poller.connected, true);
    assert.deepEqual([...timers.pending.values()].map((t) => t.ms), [STATUS_POLL_MS]);
    await timers.fire();
    assert.deepEqual(seen, [true, true]);
    assert.equal(timers.pending.size, 1, 'one timer at a time');
});

test('a check asked for while one is on its way is the same check', async () => {
    const timers = fakeTimers();
    let calls = 0;
    let answer;
    const poller = new RedisStatusPoller({
        fetchStatus: () => { calls += 1; return new Promise((resolve) => { answer = resolve; }); },
        onStatus: () => {},
        timers,
    });
    const first = poller.poll();
    await poller.poll();
    assert.equal(calls, 1);
    answer(up());
    await first;
    assert.equal(timers.pending.size, 1);
});

test('the default TTL stays known while the service does not answer', async () => {
    const answers = [up(120), unreachable()];
    const poller = new RedisStatusPoller({ fetchStatus: async () => answers.shift(), onStatus: () => {}, timers: fakeTimers() });
    await poller.poll();
    await poller.poll();
    assert.equal(poller.defaultTtl, 120);
    assert.equal(poller.connected, false);
});

test('a failing check still schedules the next one; stop() ends the polling', async () => {
    const timers = fakeTimers();
    const poller = new RedisStatusPoller({ fetchStatus: async () => { throw new Error('boom'); }, onStatus: () => {}, timers });
    await assert.rejects(poller.poll());
    assert.equal(timers.pending.size, 1);
    poller.stop();
    assert.equal(timers.pending.size, 0);
    await poller.poll();
    assert.equal(timers.pending.size, 0);
});
