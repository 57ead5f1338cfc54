// When our messages go out: pacing under the server's limits, retries after load refusals, giving up.
// Run with `node --test src/test/js/`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { ANSWER_TIMEOUT_MS, MAX_ATTEMPTS, Outbox, RETRY_PAUSE_MS } from '../../main/webapp/js/outbox.js';

function outbox(limits) {
    const clock = { now: 1_000_000 };
    const box = new Outbox(() => clock.now);
    if (limits) {
        box.limit(limits);
    }
    return { box, clock };
}

const ids = (n) => Array.from({ length: n }, (_, i) => `m${i}`);

test('a burst goes out in a fraction of the server\'s burst, then at a share of its rate', () => {
    const { box, clock } = outbox({ messagesPerSecond: 20, messageBurst: 20, maxPendingWrites: 256 });
    const order = ids(30);
    order.forEach((id) => box.add(id));
    const first = box.due(order);
    assert.deepEqual(first.send, ids(10));
    assert.equal(first.wakeAt, clock.now + Math.ceil(1000 / 16));
    clock.now = first.wakeAt;
    assert.deepEqual(box.due(order).send, ['m10']);
    clock.now += 1000;
    assert.equal(box.due(order).send.length, 10, 'the bucket holds no more than its burst');
});

test('a server that announces no limits is paced at its documented defaults; 0 means no limit', () => {
    const paced = outbox();
    ids(30).forEach((id) => paced.box.add(id));
    assert.equal(paced.box.due(ids(30)).send.length, 10);
    const free = outbox({ messagesPerSecond: 0, messageBurst: 0, maxPendingWrites: 1000 });
    ids(30).forEach((id) => free.box.add(id));
    const all = free.box.due(ids(30));
    assert.equal(all.send.length, 30);
    assert.equal(all.wakeAt, free.clock.now + ANSWER_TIMEOUT_MS);
});

test('no more than half the server\'s pending writes are in flight; an answer frees a place', () => {
    const { box } = outbox({ messagesPerSecond: 0, messageBurst: 0, maxPendingWrites: 4 });
    ids(5).forEach((id) => box.add(id));
    assert.deepEqual(box.due(ids(5)).send, ['m0', 'm1']);
    box.forget('m0');
    assert.deepEqual(box.due(ids(5)).send, ['m2']);
});

test('a load refusal sends the message again after a pause that doubles, holding back the ones after it', () => {
    const { box, clock } = outbox({ messagesPerSecond: 0, messageBurst: 0, maxPendingWrites: 256 });
    box.add('a');
    box.add('b');
    assert.deepEqual(box.due(['a']).send, ['a']);
    box.add('c');
    assert.equal(box.refused('a'), true);
    const waiting = box.due(['a', 'c']);
    assert.deepEqual(waiting.send, [], 'c does not overtake a');
    assert.equal(waiting.wakeAt, clock.now + RETRY_PAUSE_MS);
    clock.now += RETRY_PAUSE_MS;
    assert.deepEqual(box.due(['a', 'c']).send, ['a', 'c']);
    assert.equal(box.refused('a'), true);
    assert.equal(box.due(['a']).wakeAt, clock.now + 2 * RETRY_PAUSE_MS);
});

test('after MAX_ATTEMPTS refused sends a message is given up', () => {
    const { box, clock } = outbox({ messagesPerSecond: 0, messageBurst: 0, maxPendingWrites: 256 });
    box.add('a');
    for (let attempt = 1; attempt < MAX_ATTEMPTS; attempt += 1) {
        assert.deepEqual(box.due(['a']).send, ['a'], `attempt ${attempt}`);
        assert.equal(box.refused('a'), true);
        clock.now += 60_000;
    }
    assert.deepEqual(box.due(['a']).send, ['a']);
    assert.equal(box.refused('a'), false);
    assert.equal(box.has('a'), false);
});

test('a message nothing answers is given up after ANSWER_TIMEOUT_MS; one sent before a drop goes again', () => {
    const { box, clock } = outbox();
    box.add('a');
    box.add('b');
    box.due(['a', 'b']);
    box.disconnected();
    clock.now += ANSWER_TIMEOUT_MS * 3; // no timeout runs while there is no socket
    assert.deepEqual(box.due(['a', 'b']).send, ['a', 'b']);
    box.forget('b');
    clock.now += ANSWER_TIMEOUT_MS - 1;
    assert.deepEqual(box.due(['a']).expired, []);
    clock.now += 1;
    const late = box.due(['a']);
    assert.deepEqual(late.expired, ['a']);
    assert.equal(late.wakeAt, null);
});
