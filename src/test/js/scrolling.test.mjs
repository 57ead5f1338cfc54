import { describe, test } from 'node:test';
import assert from 'node:assert/strict';

import { afterRender } from '../../main/webapp/js/scrolling.js';

const you = { kind: 'you' };
const other = { kind: 'other' };
const server = { kind: 'server' };
const m = (key, author, status) => ({ key, author, ...(status ? { status } : {}) });

describe('where the message list goes after a change', () => {
    const shown = [m('r:e:1', you), m('r:e:2', server)];
    const shownKeys = new Set(shown.map((x) => x.key));

    test('our message just sent is revealed, wherever the user was', () => {
        for (const wasAtBottom of [true, false]) {
            const messages = [...shown, m('p:a', you, 'pending')];
            assert.deepEqual(afterRender({ shownKeys, messages, wasAtBottom }), { action: 'reveal', key: 'p:a' });
        }
    });

    test('our message confirmed (pending before) is no new send: the user keeps the place they scrolled to', () => {
        const before = new Set([...shownKeys, 'p:a']);
        const messages = [...shown, m('r:e:3', you), m('r:e:4', server)];
        assert.deepEqual(afterRender({ shownKeys: before, messages, wasAtBottom: false }), { action: 'stay', unseen: 1 });
    });

    test('at the bottom, the list follows what comes in', () => {
        const messages = [...shown, m('r:e:3', other), m('r:e:4', server)];
        assert.deepEqual(afterRender({ shownKeys, messages, wasAtBottom: true }), { action: 'bottom' });
    });

    test('scrolled up, others\' messages and replies below are counted, the place stays', () => {
        const messages = [...shown, m('r:e:3', other), m('r:e:4', server)];
        assert.deepEqual(afterRender({ shownKeys, messages, wasAtBottom: false }), { action: 'stay', unseen: 2 });
    });

    test('scrolled up, older messages a history read puts above are not news', () => {
        const messages = [m('r:e:0', other), ...shown];
        assert.deepEqual(afterRender({ shownKeys, messages, wasAtBottom: false }), { action: 'stay', unseen: 0 });
    });

    test('nothing new, nothing unseen', () => {
        assert.deepEqual(afterRender({ shownKeys, messages: shown, wasAtBottom: false }), { action: 'stay', unseen: 0 });
    });

    test('a changed message (its flag, say) is the same key: not new', () => {
        const messages = [shown[0], { ...shown[1], note: 'not stored in Redis' }];
        assert.deepEqual(afterRender({ shownKeys, messages, wasAtBottom: false }), { action: 'stay', unseen: 0 });
    });
});
