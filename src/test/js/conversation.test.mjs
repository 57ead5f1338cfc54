// The conversation model: its keys, its order and who wrote what.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import { AUTHOR_TONES, Conversation, authorOf, authorTone, keys, shortLabel, withAuthors } from '../../main/webapp/js/conversation.js';

describe('keys', () => {
    test('one scheme for every kind of message', () => {
        assert.equal(keys.stored('e1', 3), 'r:e1:3');
        assert.equal(keys.unstored('pg-1', true), 'c:pg-1:s');
        assert.equal(keys.unstored('pg-1', false), 'c:pg-1:r');
        assert.equal(keys.pending('pg-1'), 'p:pg-1');
        const conversation = new Conversation();
        assert.deepEqual([conversation.nextUnnamedKey(), conversation.nextUnnamedKey()], ['f:1', 'f:2']);
    });

    test('an unnamed key never takes the place of a message kept from before a reload', () => {
        const conversation = new Conversation([{ key: 'f:1', content: 'kept', timestamp: 1 }]);
        assert.equal(conversation.nextUnnamedKey(), 'f:2');
    });

    test('putting a key again replaces the message but keeps its place in arrival order', () => {
        const conversation = new Conversation([{ key: 'a', content: '1', timestamp: 1 }, { key: 'b', content: '2', timestamp: 1 }]);
        const mark = conversation.mark();
        conversation.put({ key: 'a', content: '1 again', timestamp: 1 });
        assert.equal(conversation.mark(), mark);
        assert.deepEqual(conversation.sorted().map((m) => m.content), ['1 again', '2']);
    });
});

describe('order', () => {
    test('by server time, then seq, the user message before its reply, pending ones last', () => {
        const conversation = new Conversation([
            { key: 'p:x', content: 'pending', timestamp: 1, isSent: true, status: 'pending' },
            { key: 'r:e:4', content: 'reply 2', timestamp: 20, isSent: false, seq: 4, epoch: 'e' },
            { key: 'r:e:3', content: 'msg 2', timestamp: 20, isSent: true, seq: 3, epoch: 'e' },
            { key: 'c:y:r', content: 'reply 1', timestamp: 10, isSent: false },
            { key: 'c:y:s', content: 'msg 1', timestamp: 10, isSent: true },
        ]);
        assert.deepEqual(conversation.sorted().map((m) => m.content), ['msg 1', 'reply 1', 'msg 2', 'reply 2', 'pending']);
        assert.deepEqual(conversation.delivered().map((m) => m.content), ['msg 1', 'reply 1', 'msg 2', 'reply 2']);
        assert.deepEqual(conversation.pending().map((m) => m.key), ['p:x']);
        assert.equal(conversation.newestSeq('e'), 4);
        assert.equal(conversation.newestSeq('other'), 0);
    });

    test('history requests: only the newest counts', () => {
        const conversation = new Conversation();
        const first = conversation.newHistoryRequest();
        assert.equal(conversation.isLatestHistoryRequest(first), true);
        conversation.newHistoryRequest();
        assert.equal(conversation.isLatestHistoryRequest(first), false);
    });
});

describe('authors', () => {
    const own = ['conn-1', 'conn-2'];
    const cases = [
        ['a reply is the server\'s, whoever it answers', { isSent: false, from: 'conn-1' }, 'server'],
        ['a reply stored by an older server', { isSent: false }, 'server'],
        ['our message from this socket', { isSent: true, from: 'conn-2' }, 'you'],
        ['our message from an earlier socket', { isSent: true, from: 'conn-1' }, 'you'],
        ['a message without from (older server)', { isSent: true }, 'you'],
        ['a message with an empty from', { isSent: true, from: '' }, 'you'],
        ['another client\'s message', { isSent: true, from: 'conn-9' }, 'other'],
    ];
    for (const [name, message, kind] of cases) {
        test(name, () => assert.equal(authorOf(message, own).kind, kind));
    }

    test('another client\'s label is short and stable per connection id', () => {
        assert.match(authorOf({ isSent: true, from: '9c41e07a2b' }, own).label, /^client [0-9a-f]{4}$/);
        assert.equal(shortLabel('conn-9'), shortLabel('conn-9'));
        assert.notEqual(shortLabel('conn-9'), shortLabel('conn-8'));
        assert.equal(shortLabel(''), '811c');
    });

    test('each other author has a colour of its own, the same on every page; you and the server have none', () => {
        assert.equal(authorOf({ isSent: true, from: 'conn-9' }, own).tone, authorTone('conn-9'));
        assert.equal(authorOf({ isSent: true, from: 'bob@example.com' }, own).tone, authorTone('bob@example.com'));
        assert.equal(authorOf({ isSent: true, from: 'conn-1' }, own).tone, null);
        assert.equal(authorOf({ isSent: false, from: 'conn-9' }, own).tone, null);
        const tones = new Set();
        for (let i = 0; i < 200; i += 1) {
            const tone = authorTone(`conn-${i}`);
            assert.ok(Number.isInteger(tone) && tone >= 0 && tone < AUTHOR_TONES, String(tone));
            tones.add(tone);
        }
        assert.equal(tones.size, AUTHOR_TONES, 'every colour is used');
        assert.equal(authorTone(''), 0x811c9dc5 % AUTHOR_TONES);
    });

    test('with access control another client is named by its token\'s subject, cut when long', () => {
        assert.equal(authorOf({ isSent: true, from: 'bob@example.com' }, own).label, 'bob@example.com');
        assert.equal(authorOf({ isSent: true, from: 'x'.repeat(60) }, own).label, `${'x'.repeat(39)}…`);
        assert.equal(authorOf({ isSent: true, from: 'alice' }, ['alice']).kind, 'you');
    });

    test('withAuthors keeps the messages and adds the author', () => {
        const [m] = withAuthors([{ key: 'k', isSent: true, from: 'x' }], []);
        assert.equal(m.key, 'k');
        assert.equal(m.author.kind, 'other');
    });
});
