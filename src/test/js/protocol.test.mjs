// The chat protocol's decisions, frame by frame, without a browser: run with `node --test src/test/js/`.

import assert from 'node:assert/strict';
import { describe, test } from 'node:test';

import {
    ChatProtocol, FALLBACK_MAX_MESSAGE_BYTES, SYNC_SETTLE_MS, authorSecret, base64url, clientIdSource, lastReplyNumber,
    serverLimits,
} from '../../main/webapp/js/protocol.js';
import { ANSWER_TIMEOUT_MS, MAX_ATTEMPTS } from '../../main/webapp/js/outbox.js';
import { withAuthors } from '../../main/webapp/js/conversation.js';

// ---------------------------------------------------------------- helpers

function card(overrides = {}) {
    return {
        id: 's1', persistence: 'redis', createdAt: 0, expiresAt: null, epoch: null, lastSeq: null, connectionIds: [],
        ...overrides,
    };
}

/** A protocol on a clock that only moves when the test says so. */
function protocol({ session = card(), messages = [], defaultTtl = 300, limits = serverLimits() } = {}) {
    const clock = { now: 1_000_000 };
    const chat = new ChatProtocol({
        session, messages, now: () => clock.now, defaultTtl: () => defaultTtl, limits,
    });
    chat.attach();
    chat.connectionChanged({ state: 'connecting', attempt: 1 });
    return { chat, clock, session };
}

/** Opens the socket (resuming from what the card says, as socket.js asks) and returns the connected frame's effects. */
function connect(chat, frame = {}) {
    chat.opened(chat.resumePoint());
    chat.connectionChanged({ state: 'open' });
    return chat.receive(connected(frame));
}

function connected(overrides = {}) {
    return {
        type: 'connected', sessionId: 's1', persistence: true, epoch: 'e1', lastSeq: 0, maxMessageBytes: 65536,
        instance: 'i1', ...overrides,
    };
}

/** Stored message frame seq: odd seqs are user messages, even ones the server's replies. */
function stored(seq, content, overrides = {}) {
    return {
        type: 'message', sessionId: 's1', content, timestamp: 5000 + Math.ceil(seq / 2), isSent: seq % 2 === 1, seq,
        persisted: true, epoch: 'e1', ...overrides,
    };
}

const types = (effects) => effects.map((e) => e.type);
const has = (effects, type) => effects.some((e) => e.type === type);
const sent = (effects) => effects.filter((e) => e.type === 'send').map((e) => JSON.parse(e.text));
const notices = (effects) => effects.filter((e) => e.type === 'notice').map((e) => e.text);
const ticketOf = (effects) => effects.find((e) => e.type === 'readHistory')?.ticket;

/**
 * The chat as the views show it: "you: ...", "server: ...", "client xxxx: ...", " [pending]" / " [failed]" for ours;
 * "(gone) " before a message no longer in Redis, "--- text" for the divider above which they are.
 */
function lines(chat) {
    return withAuthors(chat.conversation.shown(), chat.ownConnectionIds)
        .map((m) => (m.divider ? `--- ${m.text}`
            : `${m.archived ? '(gone) ' : ''}${m.author.label}${m.status ? ` [${m.status}]` : ''}: ${m.content}`));
}

function history(messages, overrides = {}) {
    return { ok: true, messages, epoch: 'e1', lastSeq: messages.at(-1)?.seq ?? 0, ttlRemaining: 250, emptyReason: null, ...overrides };
}

const rest = (seq, content, extra = {}) => ({
    content, timestamp: 5000 + Math.ceil(seq / 2), isSent: seq % 2 === 1, sessionId: 's1', seq, ...extra,
});

/** Answers the read the protocol asked for with this history result. */
function answer(chat, effects, result) {
    const ticket = ticketOf(effects);
    assert.ok(ticket, `a history read was asked for: ${types(effects)}`);
    const out = chat.historyAnswered(result, ticket, chat.isLatestHistoryRead(ticket));
    chat.endHistoryRead();
    return out;
}

// ---------------------------------------------------------------- connected: resume decisions

describe('connected frame: what the conversation does about the history', () => {
    const cases = [
        {
            name: 'a fresh card (no resume) reads the whole history once',
            session: card(), loaded: false, frame: {},
            read: true, incomplete: false, notice: null, query: null,
        },
        {
            name: 'a resume after a drop that the server recovered reads nothing',
            session: card({ epoch: 'e1', lastSeq: 4 }), loaded: true, frame: { recovered: true, replayed: 2, lastSeq: 6 },
            read: false, incomplete: false, notice: null, query: { since: 4, epoch: 'e1' },
        },
        {
            name: 'a recovered resume larger than a REST page reads nothing either: the server replays all of it',
            session: card({ epoch: 'e1', lastSeq: 4 }), loaded: true, frame: { recovered: true, replayed: 996, lastSeq: 1000 },
            read: false, incomplete: false, notice: null, query: { since: 4, epoch: 'e1' },
        },
        {
            name: 'a recovered resume after a reload still reads what came before the stored seq',
            session: card({ epoch: 'e1', lastSeq: 4 }), loaded: false, frame: { recovered: true, replayed: 0, lastSeq: 4 },
            read: true, incomplete: false, notice: null, query: { since: 4, epoch: 'e1' },
        },
        {
            name: 'a resume the server could not recover marks the history incomplete and refetches it',
            session: card({ epoch: 'e1', lastSeq: 4 }), loaded: true, frame: { recovered: false, lastSeq: 40 },
            read: true, incomplete: true, notice: 'Some messages did not reach this page: reading what Redis holds…',
            query: { since: 4, epoch: 'e1' },
        },
        {
            name: 'a resume into a history that started over (new epoch) refetches it too',
            session: card({ epoch: 'e1', lastSeq: 4 }), loaded: true, frame: { recovered: false, epoch: 'e2', lastSeq: 0 },
            read: true, incomplete: true, notice: 'Redis lost this session\'s history before its TTL ran out (restarted without persistence, flushed or evicted).',
            query: { since: 4, epoch: 'e1' }, epochAfter: 'e2', expiresAt: 2_000_000,
        },
        {
            name: 'a card that saw an empty history resumes from 0 without an epoch',
            session: card({ epoch: null, lastSeq: 0 }), loaded: true, frame: { recovered: true, replayed: 2, lastSeq: 2 },
            read: false, incomplete: false, notice: null, query: { since: 0, epoch: null },
        },
        {
            name: 'a server without persistence for the socket reads nothing',
            session: card(), loaded: false, frame: { persistence: false, epoch: undefined },
            read: false, incomplete: false, notice: null, query: null,
        },
        {
            name: 'a localStorage session never reads Redis and never resumes',
            session: card({ persistence: 'localStorage' }), loaded: false, frame: { persistence: false },
            read: false, incomplete: false, notice: null, query: null,
        },
    ];
    for (const c of cases) {
        test(c.name, () => {
            const { chat, session } = protocol({ session: { ...c.session, expiresAt: c.expiresAt ?? null } });
            chat.conversation.loaded = c.loaded;
            assert.deepEqual(chat.resumePoint(), c.query, 'where the socket resumes from');
            const effects = connect(chat, c.frame);
            assert.equal(chat.joined, true);
            assert.equal(has(effects, 'readHistory'), c.read, `reads the history: ${types(effects)}`);
            assert.equal(chat.conversation.incomplete, c.incomplete, 'incomplete');
            assert.deepEqual(notices(effects), c.notice ? [c.notice] : [], 'says so');
            if (c.epochAfter) {
                assert.equal(session.epoch, c.epochAfter);
                assert.equal(session.lastSeq, 0);
            }
        });
    }

    test('after an unrecovered resume into a new epoch, the old epoch\'s messages stay above a divider and the new history follows', () => {
        const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 2 }) });
        chat.conversation.loaded = true;
        chat.receive(stored(1, 'old'));
        chat.receive(stored(2, 'Message #1: old'));
        const effects = connect(chat, { recovered: false, epoch: 'e2', lastSeq: 2 });
        const gone = [
            '(gone) you: old', '(gone) server: Message #1: old',
            '--- Redis lost this session\'s history before its TTL ran out (restarted without persistence, flushed or evicted). '
                + 'The messages above are no longer in Redis.',
        ];
        assert.deepEqual(lines(chat), gone);
        answer(chat, effects, history([rest(1, 'new'), rest(2, 'Message #1: new')], { epoch: 'e2' }));
        assert.deepEqual(lines(chat), [...gone, 'you: new', 'server: Message #1: new']);
        assert.equal(chat.conversation.incomplete, false);
        assert.deepEqual([session.epoch, session.lastSeq], ['e2', 2]);
    });

    test('a new socket ends an interruption the last one reported', () => {
        const { chat } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
        connect(chat);
        chat.receive({ type: 'sync', state: 'interrupted', sessionId: 's1' });
        chat.connectionChanged({ state: 'waiting', attempt: 1, code: 1006 });
        assert.equal(chat.joined, false);
        const effects = connect(chat, { recovered: true });
        assert.deepEqual(effects.filter((e) => e.type === 'sync'), [{ type: 'sync', state: null }]);
        assert.equal(chat.sync, null);
    });
});

// ---------------------------------------------------------------- sync frames

describe('sync frames', () => {
    const cases = [
        { name: 'interrupted: messages may come late', frames: [{ state: 'interrupted' }], sync: 'interrupted', read: false },
        {
            name: 'interrupted, then resumed with nothing lost',
            frames: [{ state: 'interrupted' }, { state: 'resumed', recovered: true, epoch: 'e1', lastSeq: 2 }],
            sync: null, read: false,
        },
        {
            name: 'reset under a new epoch after an interruption: Redis lost it in a restart, what was shown stays above the divider',
            frames: [{ state: 'interrupted' }, { state: 'reset', recovered: false, epoch: 'e2', lastSeq: 0 }],
            sync: null, read: true, epoch: 'e2',
            shown: ['(gone) you: a', '(gone) server: Message #1: a', '--- Redis lost this session\'s history (it restarted '
                + 'without persistence). The messages above are no longer in Redis.'],
        },
        {
            name: 'reset with no history yet (epoch null), its TTL run out: it expired',
            frames: [{ state: 'reset', recovered: false, epoch: null, lastSeq: 0 }], ttlRunOut: true,
            sync: null, read: true, epoch: null,
            shown: ['(gone) you: a', '(gone) server: Message #1: a',
                '--- This session expired after 5 minutes without messages. The messages above are no longer in Redis.'],
        },
        {
            name: 'gap: messages trimmed before delivery, the same epoch is read again',
            frames: [{ state: 'gap', recovered: false, lastSeq: 9 }],
            sync: null, read: true, epoch: 'e1', shown: ['you: a', 'server: Message #1: a'],
        },
    ];
    for (const c of cases) {
        test(c.name, () => {
            const { chat, session, clock } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
            chat.conversation.loaded = true;
            connect(chat, { recovered: true });
            chat.receive(stored(1, 'a'));
            chat.receive(stored(2, 'Message #1: a'));
            if (c.ttlRunOut) {
                clock.now = session.expiresAt;
            }
            const effects = c.frames.flatMap((f) => chat.receive({ type: 'sync', sessionId: 's1', ...f }));
            assert.equal(chat.sync, c.sync);
            assert.equal(has(effects, 'readHistory'), c.read, `reads the history: ${types(effects)}`);
            assert.equal(chat.conversation.incomplete, c.read);
            if ('epoch' in c) {
                assert.equal(session.epoch, c.epoch);
                assert.deepEqual(lines(chat), c.shown);
            }
        });
    }

    test('the same sync state twice tells the page once', () => {
        const { chat } = protocol();
        connect(chat);
        assert.deepEqual(chat.receive({ type: 'sync', state: 'interrupted' }), [{ type: 'sync', state: 'interrupted' }]);
        assert.deepEqual(chat.receive({ type: 'sync', state: 'interrupted' }), []);
    });

    test('sync frames mean nothing to a session that is not stored in Redis', () => {
        const { chat } = protocol({ session: card({ persistence: 'none' }) });
        connect(chat, { persistence: false });
        assert.deepEqual(chat.receive({ type: 'sync', state: 'reset', recovered: false, epoch: 'e9' }), []);
        assert.equal(chat.sync, null);
    });

    test('an interruption the server never ends is over once Redis answers again after a while', () => {
        const { chat, clock } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
        chat.conversation.loaded = true;
        connect(chat, { recovered: true });
        chat.receive({ type: 'sync', state: 'interrupted' });
        clock.now += SYNC_SETTLE_MS - 1;
        assert.deepEqual(chat.redisUp(), []);
        clock.now += 2;
        assert.deepEqual(chat.redisUp(), [{ type: 'sync', state: null }]);
    });
});

// ---------------------------------------------------------------- messages

describe('message frames', () => {
    test('our message is confirmed exactly once when its echo comes before the connected frame', () => {
        const { chat } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
        chat.conversation.loaded = true;
        chat.opened(chat.resumePoint());
        chat.connectionChanged({ state: 'open' });
        const { effects } = chat.send('hello', 'pg-1');
        assert.deepEqual(sent(effects), [], 'not sent before the connected frame');
        assert.deepEqual(lines(chat), ['you [pending]: hello']);
        // a frame overtakes the connected frame's processing
        chat.receive(stored(1, 'hello', { clientId: 'pg-1' }));
        const onConnected = chat.receive(connected({ recovered: true }));
        assert.deepEqual(sent(onConnected), [], 'confirmed already: not sent again');
        chat.receive(stored(2, 'Message #1: hello', { clientId: 'pg-1' }));
        assert.deepEqual(lines(chat), ['you: hello', 'server: Message #1: hello']);
    });

    test('our message is confirmed exactly once when its echo comes while the connected frame\'s history read is out', () => {
        const { chat } = protocol();
        chat.opened(null);
        chat.connectionChanged({ state: 'open' });
        chat.send('hello', 'pg-1');
        const onConnected = chat.receive(connected());
        assert.deepEqual(sent(onConnected), [{ content: 'hello', clientId: 'pg-1' }]);
        chat.receive(stored(1, 'hello', { clientId: 'pg-1' }));
        chat.receive(stored(2, 'Message #1: hello', { clientId: 'pg-1' }));
        // the history read was asked for before the echo came; its answer has the message too
        answer(chat, onConnected, history([rest(1, 'hello'), rest(2, 'Message #1: hello')]));
        assert.deepEqual(lines(chat), ['you: hello', 'server: Message #1: hello']);
        assert.equal(chat.conversation.pending().length, 0);
    });

    test('a message cut off by a drop is sent again with its clientId and shown once, though the server stored it', () => {
        const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
        chat.conversation.loaded = true;
        connect(chat, { recovered: true });
        const first = chat.send('survives', 'pg-7').effects;
        assert.deepEqual(sent(first), [{ content: 'survives', clientId: 'pg-7' }]);
        chat.connectionChanged({ state: 'waiting', attempt: 1, code: 1006 });
        // the server had stored it: the resume replays it, and the re-sent one is answered as a duplicate
        const again = connect(chat, { recovered: true, replayed: 2, lastSeq: 2 });
        assert.deepEqual(sent(again), [{ content: 'survives', clientId: 'pg-7' }]);
        chat.receive(stored(1, 'survives', { clientId: 'pg-7' }));
        chat.receive(stored(2, 'Message #1: survives', { clientId: 'pg-7' }));
        assert.deepEqual(chat.receive(stored(1, 'survives', { clientId: 'pg-7', duplicate: true })), []);
        assert.deepEqual(chat.receive(stored(2, 'Message #1: survives', { clientId: 'pg-7', duplicate: true })), []);
        assert.deepEqual(lines(chat), ['you: survives', 'server: Message #1: survives']);
        assert.equal(session.lastSeq, 2);
    });

    test('the same stored frame twice (replayed and live) shows once', () => {
        const { chat } = protocol();
        connect(chat);
        const firstTime = chat.receive(stored(1, 'once'));
        assert.ok(has(firstTime, 'render'));
        assert.deepEqual(chat.receive(stored(1, 'once')), [], 'nothing to do the second time');
        assert.deepEqual(lines(chat), ['you: once']);
    });

    test('frames out of seq order show in seq order and the card keeps the largest seq', () => {
        const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 2 }) });
        connect(chat, { recovered: true });
        for (const seq of [6, 5, 3, 4]) {
            chat.receive(stored(seq, `m${seq}`, { timestamp: 9000 }));
        }
        assert.deepEqual(chat.conversation.sorted().map((m) => m.seq), [3, 4, 5, 6]);
        assert.equal(session.lastSeq, 6);
    });

    test('a stored frame starts the card\'s epoch and restarts its TTL', () => {
        const { chat, session, clock } = protocol({ defaultTtl: 300 });
        connect(chat);
        const effects = chat.receive(stored(1, 'first'));
        assert.deepEqual([session.epoch, session.lastSeq, session.expiresAt], ['e1', 1, clock.now + 300_000]);
        assert.ok(has(effects, 'sessionChanged') && has(effects, 'ttlChanged'));
    });

    test('a frame of another epoch without a reset frame marks the history incomplete', () => {
        const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 2 }) });
        chat.conversation.loaded = true;
        connect(chat, { recovered: true });
        chat.receive(stored(1, 'old'));
        const effects = chat.receive(stored(1, 'new', { epoch: 'e2' }));
        assert.ok(has(effects, 'readHistory'));
        assert.deepEqual([session.epoch, session.lastSeq], ['e2', 1]);
        assert.deepEqual(lines(chat), ['(gone) you: old', '--- Redis lost this session\'s history before its TTL ran out '
            + '(restarted without persistence, flushed or evicted). The messages above are no longer in Redis.', 'you: new']);
    });

    test('unstored messages (persisted:false) show with a note, and a retried one once', () => {
        const { chat } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
        connect(chat, { recovered: true });
        chat.send('while down', 'pg-1');
        const unstored = { type: 'message', sessionId: 's1', timestamp: 7000, persisted: false, clientId: 'pg-1' };
        chat.receive({ ...unstored, content: 'while down', isSent: true });
        chat.receive({ ...unstored, content: 'Message #1: while down', isSent: false });
        chat.receive({ ...unstored, content: 'while down', isSent: true, duplicate: true });
        const shown = chat.conversation.sorted();
        assert.deepEqual(shown.map((m) => m.key), ['c:pg-1:s', 'c:pg-1:r']);
        assert.deepEqual(shown.map((m) => m.note), ['not stored in Redis', 'not stored in Redis']);
        assert.equal(chat.conversation.pending().length, 0);
    });

    test('unnamed unstored frames each get their own key', () => {
        const { chat } = protocol({ session: card({ persistence: 'none' }) });
        connect(chat, { persistence: false });
        const frame = { type: 'message', content: 'x', timestamp: 1, isSent: true, persisted: false };
        chat.receive(frame);
        chat.receive(frame);
        assert.deepEqual(chat.conversation.sorted().map((m) => m.key), ['f:1', 'f:2']);
        assert.equal(chat.conversation.sorted()[0].note, undefined, 'a none session expects nothing stored');
    });

    test('a localStorage session asks for its delivered messages to be saved', () => {
        const { chat } = protocol({ session: card({ persistence: 'localStorage' }) });
        connect(chat, { persistence: false });
        const effects = chat.receive({ type: 'message', content: 'x', timestamp: 1, isSent: true, persisted: false, clientId: 'a' });
        assert.ok(has(effects, 'messagesChanged'));
    });

    const ignored = [
        ['another session\'s frame', stored(1, 'x', { sessionId: 'other' })],
        ['a message without text content', stored(1, 'x', { content: 42 })],
        ['a frame type of a later protocol', { type: 'presence', sessionId: 's1' }],
        ['no object at all', null],
    ];
    for (const [name, frame] of ignored) {
        test(`ignored: ${name}`, () => {
            const { chat } = protocol();
            connect(chat);
            assert.deepEqual(chat.receive(frame), []);
            assert.deepEqual(lines(chat), []);
        });
    }
});

// ---------------------------------------------------------------- errors

describe('error frames', () => {
    const cases = [
        {
            name: 'an error naming our pending message fails that message',
            frame: { code: 'empty_message', message: 'message is empty', clientId: 'pg-1' },
            status: 'failed', note: 'message is empty', effects: ['render', 'unsentChanged'],
        },
        {
            name: 'redis_unavailable warns and checks Redis; the message itself still comes',
            frame: { code: 'redis_unavailable', message: 'redis is down', clientId: 'pg-1' },
            status: 'pending', effects: ['notice', 'checkRedis'], notice: 'Redis is down',
        },
        {
            name: 'an error about nothing of ours is shown as the server\'s',
            frame: { code: 'rate_limited', message: 'slow down' },
            status: 'pending', effects: ['notice'], notice: 'Server: slow down',
        },
        {
            name: 'an error without a message shows its code',
            frame: { code: 'malformed_json' },
            status: 'pending', effects: ['notice'], notice: 'Server: malformed_json',
        },
    ];
    for (const c of cases) {
        test(c.name, () => {
            const { chat } = protocol();
            connect(chat);
            chat.send('text', 'pg-1');
            const effects = chat.receive({ type: 'error', sessionId: 's1', ...c.frame });
            assert.deepEqual(types(effects), c.effects);
            const message = chat.conversation.get('p:pg-1');
            assert.equal(message.status, c.status);
            if (c.note) {
                assert.equal(message.note, c.note);
            }
            if (c.notice) {
                assert.equal(notices(effects)[0], c.notice);
            }
        });
    }
});

// ---------------------------------------------------------------- sending and the size limit

describe('sending', () => {
    test('goes out at once on a joined socket, else waits for the connected frame', () => {
        const { chat } = protocol();
        chat.opened(null);
        chat.connectionChanged({ state: 'open' });
        assert.deepEqual(sent(chat.send('early', 'pg-1').effects), []);
        assert.deepEqual(sent(chat.receive(connected())), [{ content: 'early', clientId: 'pg-1' }]);
        assert.deepEqual(sent(chat.send('late', 'pg-2').effects), [{ content: 'late', clientId: 'pg-2' }]);
    });

    test('blank text is not sent and is no error', () => {
        const { chat } = protocol();
        connect(chat);
        assert.deepEqual(chat.send('   ', 'pg-1'), { effects: [] });
        assert.deepEqual(lines(chat), []);
    });

    test('a refused session takes no messages', () => {
        const { chat } = protocol();
        chat.connectionChanged({ state: 'refused', code: 1008, reason: 'invalid session id' });
        assert.match(chat.send('x', 'pg-1').error, /refused/);
    });

    test('before any connected frame the fallback limit holds; then the server\'s', () => {
        const limits = serverLimits();
        const { chat } = protocol({ limits });
        assert.equal(chat.maxMessageBytes, FALLBACK_MAX_MESSAGE_BYTES);
        const big = 'x'.repeat(100 * 1024);
        assert.match(chat.send(big, 'pg-1').error, /Message too long: 101 KiB, the limit is 64 KiB/);
        connect(chat, { maxMessageBytes: 1024 * 1024 });
        assert.equal(chat.maxMessageBytes, 1024 * 1024);
        assert.equal(chat.send(big, 'pg-2').error, undefined);
        const other = new ChatProtocol({ session: card({ id: 's2' }), limits });
        assert.equal(other.maxMessageBytes, 1024 * 1024, 'the page keeps what the server said for the next chat');
    });

    test('a smaller server limit fails what was typed before the connected frame instead of sending it', () => {
        const { chat } = protocol();
        chat.opened(null);
        chat.connectionChanged({ state: 'open' });
        chat.send('x'.repeat(2000), 'pg-1');
        chat.send('short', 'pg-2');
        const effects = chat.receive(connected({ maxMessageBytes: 1024 }));
        assert.deepEqual(sent(effects), [{ content: 'short', clientId: 'pg-2' }]);
        assert.equal(chat.conversation.get('p:pg-1').status, 'failed');
        assert.equal(chat.conversation.get('p:pg-1').note, 'too long (limit 1 KiB)');
    });

    test('a 1009 close fails what is pending rather than sending it again', () => {
        const { chat } = protocol();
        connect(chat, { maxMessageBytes: 2048 });
        chat.send('pending', 'pg-1');
        const effects = chat.connectionChanged({ state: 'waiting', attempt: 1, code: 1009, reason: 'message too big for the server' });
        assert.deepEqual(types(effects), ['render', 'unsentChanged']);
        assert.deepEqual(lines(chat), ['you [failed]: pending']);
        assert.equal(chat.conversation.get('p:pg-1').note, 'too big for the server (limit 2 KiB)');
    });

    test('client ids are 128 random bits, so none tells the next, and follow the server\'s clientId rule', () => {
        const next = clientIdSource();
        const ids = Array.from({ length: 1000 }, () => next());
        assert.equal(new Set(ids).size, ids.length);
        ids.forEach((id) => assert.match(id, /^[A-Za-z0-9_-]{22}$/));
        ids.forEach((id) => assert.match(id, /^[A-Za-z0-9._:|-]{1,64}$/));
    });

    test('a client id is its 16 random bytes in base64url', () => {
        const asked = [];
        const next = clientIdSource((array) => {
            asked.push(array.length);
            return array.fill(0xfb);
        });
        assert.equal(next(), '-_v7-_v7-_v7-_v7-_v7-w');
        assert.deepEqual(asked, [16], 'one call of the random source per id, for 128 bits');
        assert.equal(base64url(new Uint8Array([0, 1, 2, 3])), 'AAECAw');
    });

    test('the author secret is 256 random bits the server takes (22 to 128 of letters, digits, - and _)', () => {
        const secrets = [authorSecret(), authorSecret()];
        assert.notEqual(secrets[0], secrets[1]);
        secrets.forEach((secret) => assert.match(secret, /^[A-Za-z0-9_-]{43}$/));
    });
});

// ---------------------------------------------------------------- history reads

describe('history answers', () => {
    test('the first read adds the history and sets where the card stands', () => {
        const { chat, session, clock } = protocol();
        const effects = connect(chat);
        const out = answer(chat, effects, history([rest(1, 'a'), rest(2, 'Message #1: a')], { lastSeq: 2, ttlRemaining: 120 }));
        assert.deepEqual(lines(chat), ['you: a', 'server: Message #1: a']);
        assert.equal(chat.conversation.loaded, true);
        assert.deepEqual([session.epoch, session.lastSeq, session.expiresAt], ['e1', 2, clock.now + 120_000]);
        assert.ok(has(out, 'render') && has(out, 'sessionChanged'));
    });

    test('a replacing read keeps what arrived after it was asked for and what is still pending', () => {
        const { chat } = protocol({ session: card({ epoch: 'e1', lastSeq: 2 }) });
        chat.conversation.loaded = true;
        connect(chat, { recovered: true });
        chat.receive(stored(1, 'shown, then trimmed'));
        const gap = chat.receive({ type: 'sync', state: 'gap', recovered: false });
        chat.receive(stored(9, 'after the read went out'));
        chat.send('on its way', 'pg-1');
        answer(chat, gap, history([rest(7, 'kept by Redis')], { lastSeq: 8 }));
        assert.deepEqual(lines(chat), ['you: kept by Redis', 'you: after the read went out', 'you [pending]: on its way']);
        assert.equal(chat.conversation.incomplete, false);
    });

    test('an answer overtaken by a newer read is not applied', () => {
        const { chat } = protocol();
        const first = connect(chat);
        const firstTicket = ticketOf(first);
        chat.startHistoryRead(); // e.g. the card's refresh button
        assert.equal(chat.isLatestHistoryRead(firstTicket), false);
        assert.deepEqual(chat.historyAnswered(history([rest(1, 'stale')]), firstTicket, false), []);
        assert.deepEqual(lines(chat), []);
    });

    test('a history of another epoch than the card follows only updates the TTL', () => {
        const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 2 }) });
        const out = chat.applyHistory(history([rest(1, 'other')], { epoch: 'e2' }), chat.conversation.mark());
        assert.deepEqual(types(out), ['sessionChanged', 'ttlChanged']);
        assert.deepEqual(lines(chat), []);
        assert.equal(session.epoch, 'e1');
    });

    const failures = [
        { name: 'Redis down, first read', status: 503, incomplete: false, notice: 'Redis is down: history cannot be loaded; it loads when Redis is back.', check: true },
        {
            name: 'Redis down, incomplete history', status: 503, incomplete: true,
            notice: 'Redis is down: history cannot be loaded; it loads when Redis is back.', check: true,
        },
        {
            name: 'service error, incomplete history', status: 500, incomplete: true,
            notice: 'Some messages did not reach this page, and the history could not be read: boom', check: false,
        },
        { name: 'service error, first read', status: 0, incomplete: false, notice: null, check: false },
    ];
    for (const c of failures) {
        test(`a failed read: ${c.name}`, () => {
            const { chat } = protocol();
            const effects = connect(chat);
            chat.conversation.incomplete = c.incomplete;
            const out = answer(chat, effects, { ok: false, status: c.status, error: 'boom' });
            assert.deepEqual(notices(out), c.notice ? [c.notice] : []);
            assert.equal(has(out, 'checkRedis'), c.check);
        });
    }

    test('a read that failed is made again once Redis answers, and only one at a time', () => {
        const { chat } = protocol();
        const effects = connect(chat);
        assert.deepEqual(types(chat.redisUp()), [], 'the first read is still out');
        const down = answer(chat, effects, { ok: false, status: 503, error: 'down' });
        assert.deepEqual(down.filter((e) => e.type === 'sync'), [{ type: 'sync', state: 'interrupted', reason: 'redis_down' }]);
        assert.equal(chat.emptyText, 'Redis is down: history cannot be loaded');
        const again = chat.redisUp();
        assert.deepEqual(again.filter((e) => e.type === 'sync'), [{ type: 'sync', state: null }], 'the feed is back');
        assert.deepEqual(types(again), ['sync', 'readHistory']);
        const back = answer(chat, again, history([rest(1, 'back')]));
        assert.deepEqual(notices(back), [''], 'what said the history cannot be loaded is gone');
        assert.equal(chat.emptyText, null);
        assert.deepEqual(types(chat.redisUp()), []);
    });

    const ttls = [
        { name: 'messages with a TTL', result: history([rest(1, 'a')], { ttlRemaining: 10 }), expiresAt: 1_000_000 + 10_000 },
        { name: 'expired', result: history([], { emptyReason: 'expired', ttlRemaining: null }), expiresAt: 0 },
        { name: 'never persisted', result: history([], { emptyReason: 'never_persisted', ttlRemaining: null }), expiresAt: null },
    ];
    for (const c of ttls) {
        test(`the card's TTL from a history answer: ${c.name}`, () => {
            const { chat, session } = protocol({ session: card({ expiresAt: 123 }) });
            chat.ttlFromHistory(c.result);
            assert.equal(session.expiresAt, c.expiresAt);
        });
    }
});

// ---------------------------------------------------------------- authorship

describe('who wrote a message (connectionId and from)', () => {
    test('the connected frame\'s connectionId is remembered on the card', () => {
        const { chat, session } = protocol();
        const effects = connect(chat, { connectionId: 'conn-a' });
        assert.equal(chat.connectionId, 'conn-a');
        assert.deepEqual(session.connectionIds, ['conn-a']);
        assert.ok(has(effects, 'sessionChanged'));
        chat.connectionChanged({ state: 'waiting', attempt: 1, code: 1006 });
        assert.equal(chat.connectionId, null, 'a dropped socket has no id');
        assert.ok(!has(connect(chat, { connectionId: 'conn-a', recovered: true }), 'sessionChanged'), 'known already');
    });

    test('ours show as you, other clients\' as a short stable label, replies as the server', () => {
        const { chat } = protocol();
        connect(chat, { connectionId: 'conn-mine' });
        chat.receive(stored(1, 'mine', { from: 'conn-mine' }));
        chat.receive(stored(2, 'Message #1: mine', { from: 'conn-mine' }));
        chat.receive(stored(3, 'theirs', { from: '7e3a90c1' }));
        chat.receive(stored(4, 'Message #2: theirs', { from: '7e3a90c1' }));
        chat.receive(stored(5, 'old server', {}));
        const shown = lines(chat);
        assert.equal(shown[0], 'you: mine');
        assert.equal(shown[1], 'server: Message #1: mine');
        assert.match(shown[2], /^client [0-9a-f]{4}: theirs$/);
        assert.equal(shown[3], 'server: Message #2: theirs');
        assert.equal(shown[4], 'you: old server', 'no from: as the UI always showed it');
        chat.receive(stored(7, 'theirs again', { from: '7e3a90c1' }));
        assert.equal(lines(chat)[5].split(':')[0], shown[2].split(':')[0], 'the same author, the same label');
    });

    test('our echo is ours even when it comes right after the connected frame that named the socket', () => {
        const { chat } = protocol();
        chat.opened(null);
        chat.connectionChanged({ state: 'open' });
        chat.send('quick', 'pg-1');
        chat.receive(connected({ connectionId: 'conn-1' }));
        chat.receive(stored(1, 'quick', { clientId: 'pg-1', from: 'conn-1' }));
        assert.deepEqual(lines(chat), ['you: quick']);
    });

    test('after a reload, messages of this browser\'s earlier sockets are still ours (from the history)', () => {
        const session = card({ epoch: 'e1', lastSeq: 4, connectionIds: ['conn-before-reload'] });
        const { chat } = protocol({ session });
        const effects = connect(chat, { connectionId: 'conn-after-reload', recovered: true });
        answer(chat, effects, history([
            rest(1, 'before', { from: 'conn-before-reload' }), rest(2, 'Message #1: before', { from: 'conn-before-reload' }),
            rest(3, 'someone else', { from: '5d20b7f4' }), rest(4, 'Message #2: someone else', { from: '5d20b7f4' }),
            rest(5, 'stored by an old server'),
        ]));
        const shown = lines(chat);
        assert.equal(shown[0], 'you: before');
        assert.match(shown[2], /^client [0-9a-f]{4}: someone else$/);
        assert.equal(shown[4], 'you: stored by an old server');
        assert.deepEqual(session.connectionIds, ['conn-before-reload', 'conn-after-reload']);
    });

    test('without connectionId and from (an older server) everything is as before', () => {
        const { chat, session } = protocol();
        const effects = connect(chat);
        assert.ok(!has(effects, 'sessionChanged'));
        assert.deepEqual(session.connectionIds, []);
        chat.receive(stored(1, 'a'));
        chat.receive(stored(2, 'Message #1: a'));
        assert.deepEqual(lines(chat), ['you: a', 'server: Message #1: a']);
    });
});

test('with access control the token\'s subject joins this page\'s own ids, so its messages are "you" on every device', () => {
    const { chat, session } = protocol();
    connect(chat, { connectionId: 'a1b2', subject: 'alice' });
    assert.ok(chat.ownConnectionIds.includes('alice'));
    assert.ok(session.connectionIds.includes('alice'));
    const [mine, theirs] = withAuthors([{ isSent: true, from: 'alice' }, { isSent: true, from: 'bob' }],
        chat.ownConnectionIds);
    assert.equal(mine.author.kind, 'you');
    assert.equal(theirs.author.label, 'bob');
});

// ---------------------------------------------------------------- the history gone: lost or expired

describe('a history Redis no longer holds', () => {
    const LOST_IN_RESTART = 'Redis lost this session\'s history (it restarted without persistence)';
    const EXPIRED = 'This session expired after 5 minutes without messages';
    const divider = (why) => `--- ${why}. The messages above are no longer in Redis.`;

    /** An open chat of a Redis session that shows a and its reply, stored in e1. */
    function chatWithHistory() {
        const made = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
        made.chat.conversation.loaded = true;
        connect(made.chat, { recovered: true });
        made.chat.receive(stored(1, 'a'));
        made.chat.receive(stored(2, 'Message #1: a'));
        return made;
    }

    test('Redis restarted empty: says so, keeps what was shown above the divider, also the message it could not store', () => {
        const { chat, session } = chatWithHistory();
        chat.send('while down', 'pg-1');
        chat.receive({ type: 'error', code: 'redis_unavailable', message: 'redis is unavailable', clientId: 'pg-1' });
        chat.receive({ type: 'message', sessionId: 's1', content: 'while down', timestamp: 6000, isSent: true, persisted: false, clientId: 'pg-1' });
        chat.receive({ type: 'message', sessionId: 's1', content: 'Message #2: while down', timestamp: 6000, isSent: false, persisted: false, clientId: 'pg-1' });
        const reset = chat.receive({ type: 'sync', sessionId: 's1', state: 'reset', recovered: false, epoch: null, lastSeq: 0 });
        assert.deepEqual(notices(reset), [`${LOST_IN_RESTART}.`]);
        const out = answer(chat, reset, history([], { epoch: null, lastSeq: 0, emptyReason: 'never_persisted', ttlRemaining: null }));
        assert.deepEqual(notices(out), [], 'the answer agrees: nothing more to say');
        assert.deepEqual(lines(chat), ['(gone) you: a', '(gone) server: Message #1: a', '(gone) you: while down',
            '(gone) server: Message #2: while down', divider(LOST_IN_RESTART)]);
        assert.deepEqual(chat.conversation.all().filter((m) => m.content?.includes('while down')).map((m) => m.note),
            ['not stored in Redis', 'not stored in Redis']);
        assert.deepEqual([session.epoch, session.lastSeq], [null, 0]);

        chat.receive(stored(1, 'after', { epoch: 'e2' }));
        assert.deepEqual(lines(chat).slice(-2), [divider(LOST_IN_RESTART), 'you: after'], 'the new history below the divider');
    });

    test('a TTL that runs out while the chat is open: a history read tells it expired, and the chat says so', () => {
        const { chat, session, clock } = chatWithHistory();
        assert.deepEqual(chat.ttlRanOut(), [], 'not yet');
        clock.now = session.expiresAt;
        const check = chat.ttlRanOut();
        assert.deepEqual(types(check), ['readHistory']);
        assert.deepEqual(chat.ttlRanOut(), [], 'asked once');
        const out = answer(chat, check, history([], { epoch: null, lastSeq: 0, emptyReason: 'expired', ttlRemaining: null }));
        assert.deepEqual(notices(out), [`${EXPIRED}.`]);
        assert.deepEqual(lines(chat), ['(gone) you: a', '(gone) server: Message #1: a', divider(EXPIRED)]);
        assert.deepEqual([session.epoch, session.expiresAt], [null, 0]);

        // the next message begins a new history; the server's reset frame for it says nothing new
        chat.send('again', 'pg-2');
        const reset = chat.receive({ type: 'sync', sessionId: 's1', state: 'reset', recovered: false, epoch: 'e2', lastSeq: 2 });
        assert.deepEqual(notices(reset), []);
        chat.receive(stored(1, 'again', { epoch: 'e2', clientId: 'pg-2' }));
        assert.deepEqual(lines(chat), ['(gone) you: a', '(gone) server: Message #1: a', divider(EXPIRED), 'you: again']);
    });

    test('a TTL whose history is still there (another client wrote) only moves the countdown', () => {
        const { chat, session, clock } = chatWithHistory();
        clock.now = session.expiresAt;
        const out = answer(chat, chat.ttlRanOut(), history([rest(1, 'a'), rest(2, 'Message #1: a')], { ttlRemaining: 30 }));
        assert.deepEqual(notices(out), []);
        assert.equal(session.expiresAt, clock.now + 30_000);
        assert.deepEqual(lines(chat), ['you: a', 'server: Message #1: a']);
    });

    test('what the clock guessed is corrected by the history answer\'s empty_reason', () => {
        const { chat, session, clock } = chatWithHistory();
        clock.now = session.expiresAt + 5000; // the TTL ran out by the clock, but Redis had lost it before
        const reset = chat.receive({ type: 'sync', sessionId: 's1', state: 'reset', recovered: false, epoch: null, lastSeq: 0 });
        assert.deepEqual(notices(reset), [`${EXPIRED}.`]);
        const out = answer(chat, reset, history([], { epoch: null, lastSeq: 0, emptyReason: 'never_persisted', ttlRemaining: null }));
        const lost = 'Redis lost this session\'s history before its TTL ran out (restarted without persistence, flushed or evicted)';
        assert.deepEqual(notices(out), [`${lost}.`]);
        assert.equal(lines(chat).at(-1), divider(lost));
    });

    test('the card\'s 🔄 answer tells of a loss the socket has not told yet', () => {
        const { chat } = chatWithHistory();
        const out = chat.applyHistory(history([], { epoch: null, lastSeq: 0, emptyReason: 'expired', ttlRemaining: null }),
            chat.conversation.mark());
        assert.deepEqual(notices(out), [`${EXPIRED}.`]);
        assert.equal(chat.loss.cause, 'expired');
    });

    test('a reload while Redis is down: the history cannot be loaded, the feed shows interrupted, nothing is called lost', () => {
        const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 2, expiresAt: 2_000_000 }) });
        const effects = connect(chat, { recovered: false, epoch: null, lastSeq: null });
        const out = answer(chat, effects, { ok: false, status: 503, error: 'Redis unavailable' });
        assert.deepEqual(notices(out), ['Redis is down: history cannot be loaded; it loads when Redis is back.']);
        assert.deepEqual([chat.sync, chat.syncReason], ['interrupted', 'redis_down']);
        assert.equal(chat.emptyText, 'Redis is down: history cannot be loaded');
        assert.deepEqual([session.epoch, chat.loss], ['e1', null], 'Redis being down is no loss');

        const again = chat.redisUp();
        const back = answer(chat, again, history([rest(1, 'a'), rest(2, 'Message #1: a')]));
        assert.deepEqual(notices(back), [''], 'nothing was missing after all');
        assert.deepEqual(lines(chat), ['you: a', 'server: Message #1: a']);
        assert.deepEqual([chat.sync, chat.emptyText], [null, null]);
    });

    test('Redis seen down shows the feed interrupted; the server\'s own word replaces it and ends it', () => {
        const { chat } = chatWithHistory();
        assert.deepEqual(chat.redisDown(), [{ type: 'sync', state: 'interrupted', reason: 'redis_down' }]);
        assert.deepEqual(chat.receive({ type: 'sync', sessionId: 's1', state: 'interrupted' }), [{ type: 'sync', state: 'interrupted' }]);
        assert.deepEqual(chat.redisUp(), [], 'the server says when it is over');
        assert.deepEqual(chat.receive({ type: 'sync', sessionId: 's1', state: 'resumed', recovered: true, epoch: 'e1' }),
            [{ type: 'sync', state: null }]);
        assert.equal(chat.sawRedisDown, false, 'resumed: the history outlived it');
    });
});

test('a history answer older than frames of the new history does not call that history lost', () => {
    const { chat, session } = protocol({ session: card({ epoch: 'e1', lastSeq: 0 }) });
    chat.conversation.loaded = true;
    connect(chat, { recovered: true });
    chat.receive(stored(1, 'a'));
    chat.receive({ type: 'sync', sessionId: 's1', state: 'interrupted' });
    const reset = chat.receive({ type: 'sync', sessionId: 's1', state: 'reset', recovered: false, epoch: null, lastSeq: 0 });
    chat.receive(stored(1, 'new', { epoch: 'e2' })); // someone wrote before the read came back
    const out = answer(chat, reset, history([], { epoch: null, lastSeq: 0, emptyReason: 'never_persisted', ttlRemaining: null }));
    assert.ok(has(out, 'readHistory'), 'read again');
    assert.equal(session.epoch, 'e2');
    assert.deepEqual(lines(chat), ['(gone) you: a', '--- Redis lost this session\'s history (it restarted without persistence). '
        + 'The messages above are no longer in Redis.', 'you: new']);
});

// ---------------------------------------------------------------- fast typing: pacing, retries, failures, reloads

/** The server's token bucket (ChatConnection.tryAcquireMessage): perSecond on average, bursts as large. */
function serverBucket(perSecond) {
    let tokens = perSecond;
    let at = null;
    return (now) => {
        tokens = at === null ? tokens : Math.min(perSecond, tokens + ((now - at) / 1000) * perSecond);
        at = now;
        if (tokens < 1) {
            return false;
        }
        tokens -= 1;
        return true;
    };
}

/**
 * A model server for a chat: sends arrive in order, the i-th after `delay(i)` ms, the server answers each (stored) or refuses it
 * (rate_limited, naming its clientId) by its bucket; wake effects are kept. handle(effects) takes the chat's
 * effects, runUntil(t) moves the clock to t carrying out what is due on the way.
 */
function modelServer(chat, clock, { perSecond = 20, delay = () => 0 } = {}) {
    const accept = serverBucket(perSecond);
    const events = []; // {at, run}
    const refused = [];
    let seq = 0;
    let sends = 0;
    let lastArrival = 0;
    const handle = (list) => {
        for (const effect of list) {
            if (effect.type === 'wake') {
                events.push({ at: effect.at, run: () => handle(chat.tick()) });
            } else if (effect.type === 'send') {
                const frame = JSON.parse(effect.text);
                // one TCP stream: late frames hold back the ones after them, none overtakes another
                lastArrival = Math.max(lastArrival, clock.now + delay(sends++));
                events.push({ at: lastArrival, run: () => {
                    if (!accept(clock.now)) {
                        refused.push(frame.clientId);
                        handle(chat.receive({ type: 'error', sessionId: 's1', code: 'rate_limited', message: 'slow down', clientId: frame.clientId }));
                        return;
                    }
                    seq += 2;
                    handle(chat.receive(stored(seq - 1, frame.content, { clientId: frame.clientId })));
                    handle(chat.receive(stored(seq, `Message #${seq / 2}: ${frame.content}`, { clientId: frame.clientId })));
                } });
            }
        }
    };
    const runUntil = (until) => {
        for (;;) {
            events.sort((a, b) => a.at - b.at);
            if (events.length === 0 || events[0].at > until) {
                break;
            }
            const next = events.shift();
            clock.now = Math.max(clock.now, next.at);
            next.run();
        }
        clock.now = Math.max(clock.now, until);
    };
    /** Runs until nothing but timeouts are left (each sent message has one until it is answered), and says when it was. */
    const settle = (within = 60_000) => {
        const until = clock.now + within;
        let quiet = clock.now;
        while (events.length > 0 && clock.now < until) {
            events.sort((a, b) => a.at - b.at);
            const next = events.shift();
            clock.now = Math.max(clock.now, next.at);
            const before = seq + refused.length;
            next.run();
            if (seq + refused.length !== before || chat.conversation.pending().length > 0) {
                quiet = clock.now;
            }
        }
        return quiet;
    };
    return { handle, runUntil, settle, refused };
}

describe('fast typing', () => {
    const limits = { messagesPerSecond: 20, messageBurst: 20, maxPendingWrites: 256, maxPendingBytes: 1 << 20, maxMessageBytes: 65536 };

    test('60 messages typed in 1.3 s are paced under the announced limit: none refused, all stored in order within 5 s', () => {
        const { chat, clock } = protocol();
        const start = clock.now;
        // the network bunches frames up: some take 200 ms more than others
        const server = modelServer(chat, clock, { delay: (i) => (i % 7) * 33 });
        server.handle(connect(chat, { limits }));
        for (let i = 0; i < 60; i += 1) {
            server.handle(chat.send(`fast ${i}`, `c-${i}`).effects);
            server.runUntil(clock.now + 22);
        }
        const done = server.settle();
        assert.deepEqual(server.refused, []);
        assert.equal(chat.conversation.pending().length, 0);
        const mine = lines(chat).filter((l) => l.startsWith('you'));
        assert.deepEqual(mine, Array.from({ length: 60 }, (_, i) => `you: fast ${i}`));
        assert.ok(done - start < 5000, `${done - start} ms`);
    });

    test('a server with a lower limit than it announces still gets every message, each refusal sent again by itself', () => {
        const { chat, clock } = protocol();
        const server = modelServer(chat, clock, { perSecond: 8 });
        server.handle(connect(chat, { limits }));
        for (let i = 0; i < 30; i += 1) {
            server.handle(chat.send(`fast ${i}`, `c-${i}`).effects);
        }
        server.settle();
        assert.ok(server.refused.length > 0, 'the model server refused some');
        assert.equal(chat.conversation.pending().length, 0);
        assert.equal(lines(chat).filter((l) => l.startsWith('you: fast')).length, 30);
        assert.deepEqual(chat.unsent(), []);
    });

    test('a refused message waits marked as such, then fails after MAX_ATTEMPTS; Retry sends it again with its clientId', () => {
        const { chat, clock } = protocol();
        connect(chat, { limits });
        assert.deepEqual(sent(chat.send('hello', 'c-1').effects), [{ clientId: 'c-1', content: 'hello' }]);
        const refuse = () => chat.receive({ type: 'error', sessionId: 's1', code: 'too_many_pending', message: 'busy', clientId: 'c-1' });
        let effects = refuse();
        assert.deepEqual(types(effects), ['wake', 'render']);
        assert.equal(chat.conversation.get('p:c-1').note, 'server busy, sending again');
        assert.deepEqual(lines(chat), ['you [pending]: hello']);
        for (let attempt = 2; attempt <= MAX_ATTEMPTS; attempt += 1) {
            clock.now = effects.find((e) => e.type === 'wake').at;
            assert.deepEqual(sent(chat.tick()), [{ clientId: 'c-1', content: 'hello' }], `attempt ${attempt}`);
            effects = refuse();
        }
        assert.deepEqual(types(effects), ['render', 'unsentChanged']);
        assert.deepEqual(lines(chat), ['you [failed]: hello']);
        assert.equal(chat.conversation.get('p:c-1').note, 'busy');
        clock.now += 60_000;
        assert.deepEqual(sent(chat.tick()), [], 'a failed message is not sent again by itself');
        const retried = chat.retry('p:c-1').effects;
        assert.deepEqual(sent(retried), [{ clientId: 'c-1', content: 'hello' }]);
        assert.deepEqual(lines(chat), ['you [pending]: hello']);
        chat.receive(stored(1, 'hello', { clientId: 'c-1' }));
        assert.deepEqual(lines(chat), ['you: hello']);
    });

    test('a message nothing answers fails after a while instead of staying pending', () => {
        const { chat, clock } = protocol();
        connect(chat, { limits });
        const effects = chat.send('lost', 'c-1').effects;
        const wake = effects.find((e) => e.type === 'wake');
        assert.equal(wake.at, clock.now + ANSWER_TIMEOUT_MS);
        clock.now = wake.at;
        assert.deepEqual(types(chat.tick()), ['render', 'unsentChanged']);
        assert.deepEqual(lines(chat), ['you [failed]: lost']);
        assert.equal(chat.conversation.get('p:c-1').note, 'no answer from the server');
    });

    test('while there is no socket nothing times out; the next socket sends it again', () => {
        const { chat, clock } = protocol();
        connect(chat, { limits });
        chat.send('held', 'c-1');
        chat.connectionChanged({ state: 'waiting', attempt: 1, code: 1006, reason: 'connection lost' });
        clock.now += 5 * ANSWER_TIMEOUT_MS;
        assert.deepEqual(chat.tick(), []);
        chat.attach();
        assert.deepEqual(sent(connect(chat, { limits })), [{ clientId: 'c-1', content: 'held' }]);
    });

    test('what was not answered before a reload goes out once after it, with the same clientId; failed ones wait for Retry', () => {
        const { chat } = protocol();
        connect(chat, { limits });
        chat.send('answered', 'c-0');
        chat.receive(stored(1, 'answered', { clientId: 'c-0' }));
        chat.send('typed', 'c-1');
        chat.send('refused', 'c-2');
        chat.receive({ type: 'error', sessionId: 's1', code: 'empty_message', message: 'message is empty', clientId: 'c-2' });
        const unsent = chat.unsent();
        assert.deepEqual(unsent.map((m) => [m.clientId, m.status]), [['c-1', 'pending'], ['c-2', 'failed']]);
        // the reload: a new page, a new protocol with what the tab kept
        const reloaded = protocol();
        const again = new ChatProtocol({ session: reloaded.session, unsent: JSON.parse(JSON.stringify(unsent)), now: () => reloaded.clock.now });
        again.attach();
        assert.deepEqual(lines(again), ['you [failed]: refused', 'you [pending]: typed']);
        const effects = connect(again, { limits });
        assert.deepEqual(sent(effects), [{ clientId: 'c-1', content: 'typed' }]);
        again.receive(stored(3, 'typed', { clientId: 'c-1', duplicate: true }));
        assert.deepEqual(again.unsent().map((m) => m.clientId), ['c-2']);
    });
});

describe('Message #N without Redis', () => {
    test('the page knows the last N of the replies it keeps; a Redis session leaves N to the server', () => {
        const messages = [
            { key: 'f:1', content: 'a', timestamp: 1, isSent: true },
            { key: 'f:2', content: 'Message #7: a', timestamp: 1, isSent: false },
            { key: 'f:3', content: 'Message #9: ignored, sent by a user', timestamp: 2, isSent: true },
            { key: 'f:4', content: 'Message #12: b\nline two', timestamp: 2, isSent: false },
            { key: 'f:5', content: 'no number', timestamp: 3, isSent: false },
        ];
        assert.equal(protocol({ session: card({ persistence: 'localStorage' }), messages }).chat.lastNumber(), 12);
        assert.equal(protocol({ session: card({ persistence: 'none' }) }).chat.lastNumber(), 0);
        assert.equal(protocol({ session: card({ persistence: 'redis' }), messages }).chat.lastNumber(), 0);
        assert.equal(lastReplyNumber([{ isSent: false, content: 'Message #9007199254740993: x' }]), 0);
    });
});
