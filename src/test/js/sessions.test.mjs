// Session cards: id rules, new cards, resume points, TTLs and the connection ids a card remembers.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
    MAX_CONNECTION_IDS, generateSessionId, historyLossText, isValidEpoch, isValidSessionId, newSession, persistenceScopeNote,
    rememberConnection, restoreSession, resumePoint, spokenDuration,
    ttlState, validConnectionIds,
} from '../../main/webapp/js/sessions.js';

const RANDOM_128 = /^[0-9a-f]{32}$/;

describe('session ids', () => {
    const ids = [
        ['test-redis-123', true], ['a', true], ['A.b_c-9', true], ['x'.repeat(128), true],
        ['', false], ['x'.repeat(129), false], ['with space', false], ['slash/es', false], ['ümlaut', false],
        [null, false], [42, false],
    ];
    for (const [id, valid] of ids) {
        test(`${JSON.stringify(id)?.slice(0, 20)} is ${valid ? 'valid' : 'refused'}`, () => assert.equal(isValidSessionId(id), valid));
    }

    test('a generated id is 128 random bits, valid as a session id, and new each time', () => {
        const id = generateSessionId();
        assert.match(id, RANDOM_128);
        assert.equal(isValidSessionId(id), true);
        assert.notEqual(generateSessionId(), id);
        const zeros = { getRandomValues: (array) => array.fill(0) };
        assert.equal(generateSessionId(zeros), '0'.repeat(32), 'every byte comes from getRandomValues');
    });

    test('epochs the server takes for a resume', () => {
        assert.equal(isValidEpoch('6f1c2a9b'), true);
        assert.equal(isValidEpoch('a-b'), true);
        assert.equal(isValidEpoch(''), false);
        assert.equal(isValidEpoch('a b'), false);
        assert.equal(isValidEpoch('x'.repeat(65)), false);
        assert.equal(isValidEpoch(null), false);
    });
});

describe('a new card', () => {
    const sessions = [{ id: 'taken' }];
    const cases = [
        { typed: 'fresh', result: { id: 'fresh' } },
        { typed: '', result: { id: 'generated-1' } },
        { typed: 'taken', existing: 'taken' },
        { typed: 'bad id!', error: /Invalid session id/ },
    ];
    for (const c of cases) {
        test(`typed ${JSON.stringify(c.typed)}`, () => {
            const out = newSession(c.typed, { sessions, persistence: 'redis', now: 7, generate: () => 'generated-1' });
            if (c.existing) {
                assert.equal(out.session, undefined, 'no second card of an id');
                assert.equal(out.existing, sessions[0], 'the card to open instead');
            } else if (c.error) {
                assert.equal(out.session, undefined);
                if (c.error instanceof RegExp) {
                    assert.match(out.error, c.error);
                } else {
                    assert.equal(out.error, c.error);
                }
            } else {
                assert.deepEqual(out.session, {
                    id: c.result.id, persistence: 'redis', createdAt: 7, expiresAt: null, epoch: null, lastSeq: null,
                    connectionIds: [],
                });
            }
        });
    }
});

describe('a removed card put back (undo)', () => {
    const card = (id) => ({ id });
    const ids = (list) => list.map((s) => s.id);

    test('goes back to its place', () => {
        const list = [card('a'), card('c')];
        assert.equal(restoreSession(list, card('b'), 1), true);
        assert.deepEqual(ids(list), ['a', 'b', 'c']);
    });

    test('goes to the end when the list got shorter meanwhile', () => {
        const list = [card('a')];
        assert.equal(restoreSession(list, card('z'), 5), true);
        assert.deepEqual(ids(list), ['a', 'z']);
    });

    test('is not doubled when its id was added again meanwhile', () => {
        const list = [card('a'), card('b')];
        assert.equal(restoreSession(list, card('b'), 0), false);
        assert.deepEqual(ids(list), ['a', 'b']);
    });
});

describe('what a change of Session Persistence applies to', () => {
    test('new sessions only, and the cards there are keep theirs', () => {
        assert.equal(persistenceScopeNote([]), 'Applies to sessions added from now on.');
        assert.equal(persistenceScopeNote([{ id: 'a' }]),
            'Applies to sessions added from now on; the session in the list keeps its own.');
        assert.equal(persistenceScopeNote([{ id: 'a' }, { id: 'b' }, { id: 'c' }]),
            'Applies to sessions added from now on; the 3 sessions in the list keep their own.');
    });
});

describe('where a card resumes', () => {
    const cases = [
        ['a Redis card that saw seq 4 of e1', { persistence: 'redis', epoch: 'e1', lastSeq: 4 }, { since: 4, epoch: 'e1' }],
        ['a Redis card that saw an empty history', { persistence: 'redis', epoch: null, lastSeq: 0 }, { since: 0, epoch: null }],
        ['a Redis card that saw nothing yet', { persistence: 'redis', epoch: null, lastSeq: null }, null],
        ['a localStorage card', { persistence: 'localStorage', epoch: 'e1', lastSeq: 4 }, null],
        ['a none card', { persistence: 'none', epoch: null, lastSeq: 0 }, null],
    ];
    for (const [name, session, expected] of cases) {
        test(name, () => assert.deepEqual(resumePoint(session), expected));
    }
});

describe('the TTL a card shows', () => {
    const cases = [
        ['unknown', { expiresAt: null }, { state: 'unknown', defaultTtl: 300 }],
        ['counting, rounded up', { expiresAt: 10_500 }, { state: 'counting', seconds: 1 }],
        ['counting', { expiresAt: 70_000 }, { state: 'counting', seconds: 60 }],
        ['expired', { expiresAt: 10_000 }, { state: 'expired' }],
        ['expired long ago', { expiresAt: 0 }, { state: 'expired' }],
    ];
    for (const [name, session, expected] of cases) {
        test(name, () => assert.deepEqual(ttlState(session, 10_000, 300), expected));
    }
});

describe('connection ids of this browser', () => {
    test('are remembered once each, newest last, at most MAX_CONNECTION_IDS', () => {
        const session = { connectionIds: [] };
        assert.equal(rememberConnection(session, 'c1'), true);
        assert.equal(rememberConnection(session, 'c1'), false);
        assert.equal(rememberConnection(session, ''), false);
        assert.equal(rememberConnection(session, 42), false);
        for (let i = 2; i <= MAX_CONNECTION_IDS + 5; i += 1) {
            rememberConnection(session, `c${i}`);
        }
        assert.equal(session.connectionIds.length, MAX_CONNECTION_IDS);
        assert.equal(session.connectionIds[0], 'c6');
        assert.equal(session.connectionIds.at(-1), `c${MAX_CONNECTION_IDS + 5}`);
    });

    test('a card stored before they existed starts with none', () => {
        const session = {};
        rememberConnection(session, 'c1');
        assert.deepEqual(session.connectionIds, ['c1']);
    });

    test('stored lists are cleaned up', () => {
        assert.deepEqual(validConnectionIds(undefined), []);
        assert.deepEqual(validConnectionIds('c1'), []);
        assert.deepEqual(validConnectionIds(['c1', 7, '', 'c1', 'c2', 'x'.repeat(257)]), ['c1', 'c2']);
        assert.equal(validConnectionIds(Array.from({ length: 80 }, (_, i) => `c${i}`)).length, MAX_CONNECTION_IDS);
    });
});

describe('a TTL and a lost history in words', () => {
    test('durations as a sentence says them', () => {
        assert.deepEqual([300, 60, 90, 1, 3600, 5400, 86400, 0].map(spokenDuration), ['5 minutes', '1 minute',
            '1 minute 30 seconds', '1 second', '1 hour', '1 hour 30 minutes', '1 day', '0 seconds']);
    });

    test('why the history is gone', () => {
        assert.equal(historyLossText('expired', { ttl: 300 }), 'This session expired after 5 minutes without messages');
        assert.equal(historyLossText('expired'), 'This session expired: its TTL ran out without messages');
        assert.equal(historyLossText('lost', { restarted: true }), 'Redis lost this session\'s history (it restarted without persistence)');
        assert.match(historyLossText('lost'), /^Redis lost this session's history before its TTL ran out/);
        assert.equal(historyLossText('unknown'), 'This session\'s history in Redis started over');
    });
});
