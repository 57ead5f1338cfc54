// The access token of a tab (access control on): run with `node --test src/test/js/`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import {
    accessToken, authFrame, authHeaders, isAuthRefusal, setAccessToken,
} from '../../main/webapp/js/access.js';

function memoryStorage() {
    const items = new Map();
    return {
        getItem: (key) => (items.has(key) ? items.get(key) : null),
        setItem: (key, value) => items.set(key, String(value)),
        removeItem: (key) => items.delete(key),
        items,
    };
}

const TOKEN = 'eyJhbGciOiJSUzI1NiJ9.eyJzdWIiOiJhbGljZSJ9.c2lnbmF0dXJl';

test('a pasted token is kept in the tab\'s storage, with or without a Bearer prefix', () => {
    const storage = memoryStorage();
    assert.equal(accessToken(storage), null);
    assert.equal(setAccessToken(`  Bearer ${TOKEN}\n`, storage), null);
    assert.equal(accessToken(storage), TOKEN);
    assert.equal(setAccessToken('', storage), null);
    assert.equal(accessToken(storage), null, 'an empty token forgets it');
});

test('text that is not a JWT is refused with a reason and nothing is kept', () => {
    const storage = memoryStorage();
    assert.match(setAccessToken('my password', storage), /not a token/);
    assert.match(setAccessToken('a.b', storage), /not a token/);
    assert.equal(storage.items.size, 0);
});

test('the token goes to REST as a bearer header and to a socket as its auth frame', () => {
    assert.deepEqual(authHeaders(TOKEN), { Authorization: `Bearer ${TOKEN}` });
    assert.deepEqual(authHeaders(null), {});
    assert.deepEqual(JSON.parse(authFrame(TOKEN)), { type: 'auth', token: TOKEN });
});

test('a 1008 close for want of a token is told apart from a refused session id', () => {
    assert.equal(isAuthRefusal(1008, 'token expired: reconnect with a new token'), true);
    assert.equal(isAuthRefusal(1008, 'authentication required: send {"type":"auth","token":...} within 5000 ms'), true);
    assert.equal(isAuthRefusal(1008, 'invalid session id: 1 to 128 characters'), false);
    assert.equal(isAuthRefusal(1013, 'token'), false);
});
