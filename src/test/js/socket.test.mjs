// Where the page's sockets connect: run with `node --test src/test/js/`.

import assert from 'node:assert/strict';
import { test } from 'node:test';

import { socketUrl } from '../../main/webapp/js/socket.js';

const BASE = 'https://chat.example/chat/';

test('every socket of the page carries its author secret, so a reconnect is the same client', () => {
    const first = new URL(socketUrl('s1', true, null, 'secret-0123456789abcdefghij', BASE));
    const again = new URL(socketUrl('s1', true, { since: 4, epoch: 'e1' }, 'secret-0123456789abcdefghij', BASE));
    assert.equal(first.origin + first.pathname, 'wss://chat.example/chat/ws/s1');
    for (const url of [first, again]) {
        assert.equal(url.searchParams.get('author_secret'), 'secret-0123456789abcdefghij');
        assert.equal(url.searchParams.get('redis_persistence'), 'true');
    }
    assert.equal(again.searchParams.get('since'), '4');
    assert.equal(again.searchParams.get('epoch'), 'e1');
});

test('without a secret the socket alone is the author', () => {
    const url = new URL(socketUrl('s1', false, null, null, 'http://localhost:8080/chat/'));
    assert.equal(url.protocol, 'ws:');
    assert.equal(url.searchParams.has('author_secret'), false);
});

test('without persistence the socket says which Message #N the page reached; with Redis the count is the server\'s', () => {
    const local = new URL(socketUrl('s1', false, null, null, BASE, 41));
    assert.equal(local.searchParams.get('n'), '41');
    assert.equal(new URL(socketUrl('s1', false, null, null, BASE, 0)).searchParams.has('n'), false);
    assert.equal(new URL(socketUrl('s1', false, null, null, BASE)).searchParams.has('n'), false);
    assert.equal(new URL(socketUrl('s1', true, null, null, BASE, 41)).searchParams.has('n'), false);
    assert.equal(new URL(socketUrl('s1', false, null, null, BASE, -3)).searchParams.has('n'), false);
});
