// What the browser keeps, against an in-memory localStorage.

import assert from 'node:assert/strict';
import { beforeEach, test } from 'node:test';

import * as store from '../../main/webapp/js/store.js';

let data;
beforeEach(() => {
    data = new Map();
    globalThis.localStorage = {
        getItem: (k) => (data.has(k) ? data.get(k) : null),
        setItem: (k, v) => data.set(k, String(v)),
        removeItem: (k) => data.delete(k),
    };
});

test('cards keep their resume point and connection ids across a reload', () => {
    store.saveSessions([
        { id: 'r', persistence: 'redis', createdAt: 1, expiresAt: 9, epoch: 'e1', lastSeq: 4, connectionIds: ['c1', 'c2'] },
        { id: 'l', persistence: 'localStorage', createdAt: 2, expiresAt: 9, epoch: 'e1', lastSeq: 4 },
    ]);
    assert.deepEqual(store.loadSessions(), [
        { id: 'r', persistence: 'redis', createdAt: 1, expiresAt: 9, epoch: 'e1', lastSeq: 4, connectionIds: ['c1', 'c2'] },
        { id: 'l', persistence: 'localStorage', createdAt: 2, expiresAt: null, epoch: null, lastSeq: null, connectionIds: [] },
    ]);
});

test('stored cards the server would refuse, or repeated, are dropped', () => {
    data.set(store.SESSIONS_KEY, JSON.stringify([
        { id: 'ok', persistence: 'redis', createdAt: 1, epoch: 'bad epoch!', lastSeq: 3, connectionIds: 'nope' },
        { id: 'ok', persistence: 'none', createdAt: 1 },
        { id: 'bad id', persistence: 'none', createdAt: 1 },
        { id: 'x', persistence: 'carrier pigeon', createdAt: 1 },
    ]));
    assert.deepEqual(store.loadSessions(), [
        { id: 'ok', persistence: 'redis', createdAt: 1, expiresAt: null, epoch: null, lastSeq: null, connectionIds: [] },
    ]);
});

test('a localStorage session\'s messages keep who sent them', () => {
    store.saveMessages('s', [
        { key: 'c:a:s', content: 'hi', timestamp: 1, isSent: true, from: 'conn-1', arrival: 3, note: 'x' },
        { key: 'c:a:r', content: 'Message #1: hi', timestamp: 1, isSent: false },
    ]);
    assert.deepEqual(store.loadMessages('s'), [
        { key: 'c:a:s', content: 'hi', timestamp: 1, isSent: true, from: 'conn-1' },
        { key: 'c:a:r', content: 'Message #1: hi', timestamp: 1, isSent: false },
    ]);
});

test('no localStorage at all: defaults, and nothing thrown', () => {
    globalThis.localStorage = {
        getItem: () => { throw new Error('denied'); },
        setItem: () => { throw new Error('denied'); },
        removeItem: () => { throw new Error('denied'); },
    };
    assert.deepEqual(store.loadSettings(), { sessionPersistenceType: 'localStorage', activeSessionId: null });
    assert.deepEqual(store.loadSessions(), []);
    store.saveSessions([{ id: 'a', persistence: 'none', createdAt: 1 }]);
    store.forgetMessages('a');
});

test('messages not answered yet and the author secret outlive a reload in the tab\'s storage, not in localStorage', () => {
    const tab = new Map();
    globalThis.sessionStorage = {
        getItem: (k) => (tab.has(k) ? tab.get(k) : null),
        setItem: (k, v) => tab.set(k, String(v)),
        removeItem: (k) => tab.delete(k),
    };
    try {
        const secret = store.authorSecret(() => 'a'.repeat(43));
        assert.equal(secret, 'a'.repeat(43));
        assert.equal(store.authorSecret(() => 'b'.repeat(43)), secret, 'the same after a reload');
        const unsent = [
            { clientId: 'c-1', content: 'one', timestamp: 5, status: 'pending' },
            { clientId: 'c-2', content: 'two', timestamp: 6, status: 'failed', note: 'no answer from the server' },
        ];
        store.saveUnsent('s1', [...unsent, { clientId: 'bad id!', content: 'x', timestamp: 7, status: 'pending' }]);
        assert.deepEqual(store.loadUnsent('s1'), unsent);
        assert.deepEqual(store.loadUnsent('s2'), []);
        assert.equal(data.size, 0, 'nothing of it in localStorage');
        store.saveUnsent('s1', []);
        assert.deepEqual(store.loadUnsent('s1'), []);
        store.saveUnsent('s1', unsent);
        store.forgetMessages('s1');
        assert.deepEqual(store.loadUnsent('s1'), []);
    } finally {
        delete globalThis.sessionStorage;
    }
});

test('without a tab storage the author secret and unsent messages live as long as the page', () => {
    assert.equal(store.authorSecret(() => 'c'.repeat(43)), 'c'.repeat(43));
    store.saveUnsent('s1', [{ clientId: 'c-1', content: 'one', timestamp: 5, status: 'pending' }]);
    assert.deepEqual(store.loadUnsent('s1'), []);
    assert.equal(data.size, 0);
});
