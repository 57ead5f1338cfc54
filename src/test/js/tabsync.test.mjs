// Other tabs: which storage events concern what, and how their cards merge with ours.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { changedParts, mergeSessions } from '../../main/webapp/js/tabsync.js';

const KEYS = { sessionsKey: 'redis-chat.sessions', settingsKey: 'redis-chat.settings' };

describe('which part a storage event changed', () => {
    const cases = [
        ['the cards', 'redis-chat.sessions', { sessions: true, settings: false }],
        ['the settings', 'redis-chat.settings', { sessions: false, settings: true }],
        ['the whole storage cleared', null, { sessions: true, settings: true }],
        ['a localStorage session\'s messages', 'redis-chat.messages.s1', { sessions: false, settings: false }],
        ['someone else\'s key', 'other-app', { sessions: false, settings: false }],
    ];
    for (const [name, key, expected] of cases) {
        test(name, () => assert.deepEqual(changedParts(key, KEYS), expected));
    }
});

describe('merging the cards another tab saved', () => {
    test('their list decides which cards exist and in which order; ours keep their objects', () => {
        const a = { id: 'a', expiresAt: 100, connectionIds: ['c1'] };
        const b = { id: 'b', expiresAt: null, connectionIds: [] };
        const theirs = [
            { id: 'c', expiresAt: null, connectionIds: [] },
            { id: 'a', expiresAt: 200, connectionIds: ['c2'] },
        ];
        const { sessions, removed } = mergeSessions([a, b], theirs);
        assert.deepEqual(sessions.map((s) => s.id), ['c', 'a']);
        assert.equal(sessions[1], a, 'the open chat still holds this card');
        assert.equal(a.expiresAt, 200, 'their TTL is newer');
        assert.deepEqual(a.connectionIds, ['c1', 'c2'], 'both tabs are this browser');
        assert.deepEqual(removed, ['b']);
    });

    test('a TTL they do not know keeps ours', () => {
        const a = { id: 'a', expiresAt: 100, connectionIds: [] };
        mergeSessions([a], [{ id: 'a', expiresAt: null, connectionIds: [] }]);
        assert.equal(a.expiresAt, 100);
    });

    test('the union of connection ids stays bounded', () => {
        const a = { id: 'a', connectionIds: Array.from({ length: 50 }, (_, i) => `mine${i}`) };
        mergeSessions([a], [{ id: 'a', connectionIds: ['theirs'] }]);
        assert.equal(a.connectionIds.length, 50);
        assert.equal(a.connectionIds.at(-1), 'theirs');
    });
});
