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
