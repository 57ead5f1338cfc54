package io.redischat.redis.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInfo;

import io.redischat.sessions.control.Authors;
import io.redischat.sessions.control.ClientIdReusedException;
import io.redischat.sessions.control.ChatLimits;
import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.EmptyReason;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.ExchangeRequest;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;
import io.redischat.testsupport.ConfigDefaults;
import io.redischat.testsupport.RedisServerProcess;

class MessageStoreTest {

    /** A client that sent an author_secret (as {@code Authors.ofSecret} makes it). */
    static final String AUTHOR = "s0123456789abcdef0123456789abcdef";

    static RedisServerProcess redis;
    RedisConnection connection;
    MessageStore store;
    String session;

    @BeforeAll
    static void startRedis() {
        redis = RedisServerProcess.start();
    }

    @AfterAll
    static void stopRedis() {
        redis.close();
    }

    @BeforeEach
    void newStore(TestInfo test) {
        if (!redis.isRunning()) {
            redis.launch();
        }
        connection = RedisConnections.to(redis.url());
        connection.storeSettings.failFastMs = 0;
        store = storeWith(300, 1000);
        session = "unit-" + test.getTestMethod().orElseThrow().getName() + "-" + System.nanoTime();
    }

    @AfterEach
    void closeStore() {
        store.stop();
        connection.close();
    }

    MessageStore storeWith(long ttl, int maxLength) {
        var created = new MessageStore();
        created.redis = connection;
        created.redisSettings = ConfigDefaults.of(RedisSettings.class);
        created.redisSettings.sessionTtlSeconds = ttl;
        created.settings = ConfigDefaults.of(StoreSettings.class);
        created.settings.historyMaxLength = maxLength;
        created.limits = ConfigDefaults.of(ChatLimits.class);
        created.settings.storeThreads = 2;
        created.settings.storeQueueCapacity = 100;
        created.start();
        return created;
    }

    StoredExchange append(MessageStore target, String content, String clientId) throws Exception {
        return append(target, content, clientId, AUTHOR);
    }

    /** As the intake stores it: a clientId within its author's, or a key the server made. */
    StoredExchange append(MessageStore target, String content, String clientId, String author) throws Exception {
        return append(target, new ExchangeRequest(session, content, clientId, author,
                clientId == null ? "#test." + System.nanoTime() : Authors.clientKey(author, clientId), "sock-1",
                System.currentTimeMillis()));
    }

    static StoredExchange append(MessageStore target, ExchangeRequest request) throws Exception {
        return append(target, request, true);
    }

    static StoredExchange append(MessageStore target, ExchangeRequest request, boolean mayStartSession)
            throws Exception {
        return target.append(request, mayStartSession).toCompletableFuture().get(5, TimeUnit.SECONDS);
    }

    @Test
    void concurrentAppendsShareRoundTripsAndEachIsStoredOnceInItsPlace() throws Exception {
        store.stop();
        store = storeWith(300, 5000);
        redis.command("SCRIPT", "FLUSH"); // the first batch also finds Redis without the script
        long readsBefore = stat(redis.command("INFO", "stats"), "total_reads_processed");
        int writers = 50;
        int each = 8;
        var pool = java.util.concurrent.Executors.newFixedThreadPool(writers);
        try {
            var done = new java.util.ArrayList<java.util.concurrent.Future<List<Long>>>();
            for (int w = 0; w < writers; w++) {
                int writer = w;
                // each writer waits for its previous write, as a connection's writes do
                done.add(pool.submit(() -> {
                    var seqs = new java.util.ArrayList<Long>();
                    for (int i = 0; i < each; i++) {
                        seqs.add(append(store, new ExchangeRequest(session, "w" + writer + "-" + i, null, AUTHOR,
                                "#w" + writer + "." + i, "sock-" + writer, System.currentTimeMillis())).sent().seq());
                    }
                    return seqs;
                }));
            }
            var all = new java.util.TreeSet<Long>();
            for (var writer : done) {
                List<Long> seqs = writer.get(30, TimeUnit.SECONDS);
                assertEquals(seqs.stream().sorted().toList(), seqs, "a writer's messages in the order it sent them");
                all.addAll(seqs);
            }
            assertEquals(writers * each, all.size());
            assertEquals(1L, all.first());
            assertEquals(2L * writers * each - 1, all.last().longValue());
        } finally {
            pool.shutdownNow();
        }
        long reads = stat(redis.command("INFO", "stats"), "total_reads_processed") - readsBefore;
        System.out.printf("%d concurrent appends: %d socket reads in Redis (%.2f a message)%n", writers * each, reads,
                reads / (double) (writers * each));
        assertTrue(reads < writers * each * 0.8, reads + " reads for " + writers * each + " appends: batched");
    }

    static long stat(String info, String name) {
        return info.lines().filter(line -> line.startsWith(name + ":")).map(line -> line.substring(name.length() + 1))
                .mapToLong(value -> Long.parseLong(value.trim())).findFirst().orElseThrow();
    }

    @Test
    void storesMessageAndReplyInOrderWithCountersAndTtl() throws Exception {
        StoredExchange first = append(store, "Hello Redis!", null);
        StoredExchange second = append(store, "again", null);

        assertEquals(1, first.number());
        assertEquals("Message #1: Hello Redis!", first.reply().content());
        assertEquals(1L, first.sent().seq());
        assertEquals(2L, first.reply().seq());
        assertEquals(2, second.number());
        assertEquals(first.epoch(), second.epoch());

        SessionHistory history = store.history(session, HistoryQuery.all());
        assertEquals(List.of("Hello Redis!", "Message #1: Hello Redis!", "again", "Message #2: again"),
                history.messages().stream().map(ChatMessage::content).toList());
        assertEquals(List.of(true, false, true, false), history.messages().stream().map(ChatMessage::isSent).toList());
        assertEquals(4, history.lastSeq());
        assertNull(history.emptyReason());
        assertTrue(history.ttlRemaining() > 290 && history.ttlRemaining() <= 300, "ttl " + history.ttlRemaining());
        assertTrue(redis.command("TTL", "chat:{" + session + "}:meta").matches(":(29\\d|300)\r\n"));
    }

    @Test
    void aNumberTheSocketShowedWhileRedisCouldNotStoreIsNotGivenAgainButANewHistoryStartsAtOne() throws Exception {
        append(store, "stored", null);
        // the socket answered its next message itself as #2 while Redis was away: the session goes on from there
        StoredExchange after = append(store, new ExchangeRequest(session, "back", null, AUTHOR, "#test.floor",
                "sock-1", System.currentTimeMillis(), 2));
        assertEquals(3, after.number());
        assertEquals("Message #3: back", after.reply().content());
        StoredExchange next = append(store, "next", null);
        assertEquals(4, next.number(), "the session's own count follows");

        // a floor below the session's count changes nothing; in a session Redis starts anew, N starts at 1
        assertEquals(5, append(store, new ExchangeRequest(session, "low", null, AUTHOR, "#test.low", "sock-1",
                System.currentTimeMillis(), 1)).number());
        redis.command("DEL", "chat:{" + session + "}:meta", "chat:{" + session + "}:history");
        assertEquals(1, append(store, new ExchangeRequest(session, "anew", null, AUTHOR, "#test.anew", "sock-1",
                System.currentTimeMillis(), 7)).number());
    }

    @Test
    void unknownSessionIsNeverPersisted() {
        SessionHistory history = store.history(session, HistoryQuery.all());
        assertTrue(history.messages().isEmpty());
        assertEquals(EmptyReason.never_persisted, history.emptyReason());
        assertNull(history.ttlRemaining());
    }

    @Test
    void expiredSessionSaysExpiredAndRestartsCountingUnderANewEpoch() throws Exception {
        MessageStore shortLived = storeWith(1, 1000);
        try {
            StoredExchange before = append(shortLived, "soon gone", null);
            Thread.sleep(2100);
            SessionHistory expired = shortLived.history(session, HistoryQuery.all());
            assertTrue(expired.messages().isEmpty());
            assertEquals(EmptyReason.expired, expired.emptyReason());

            StoredExchange after = append(shortLived, "fresh", null);
            assertEquals(1, after.number());
            assertNotEquals(before.epoch(), after.epoch());
        } finally {
            shortLived.stop();
        }
    }

    @Test
    void trimsHistoryToTheConfiguredLength() throws Exception {
        MessageStore small = storeWith(300, 4);
        try {
            for (int i = 1; i <= 5; i++) {
                append(small, "m" + i, null);
            }
            SessionHistory history = small.history(session, HistoryQuery.all());
            assertEquals(List.of("m4", "Message #4: m4", "m5", "Message #5: m5"),
                    history.messages().stream().map(ChatMessage::content).toList());
            assertEquals(10, history.lastSeq());
        } finally {
            small.stop();
        }
    }

    @Test
    void entriesKeptBeyondTheLengthUntilTheBatchedTrimAreSeenByNoRead() throws Exception {
        MessageStore small = storeWith(300, 4);
        try {
            String stream = "chat:{" + session + "}:history";
            for (int i = 1; i <= 4; i++) {
                append(small, "m" + i, null);
            }
            // 8 entries in the stream (the limit plus its slack of 4), none trimmed yet
            assertEquals(":8", redis.command("XLEN", stream).trim());
            List<String> newest = List.of("m3", "Message #3: m3", "m4", "Message #4: m4");
            assertEquals(newest, contents(small.history(session, HistoryQuery.all())));
            assertEquals(newest, contents(small.history(session, HistoryQuery.after(0))));
            assertEquals(newest, contents(small.history(session, HistoryQuery.after(2))));
            assertEquals(List.of("Message #4: m4"), contents(small.history(session, HistoryQuery.after(7))));
            assertEquals(List.of("m3", "Message #3: m3"),
                    contents(small.history(session, new HistoryQuery(null, null, 7L))));
            assertEquals(List.of(), contents(small.history(session, new HistoryQuery(null, null, 5L))));
            SessionHistory page = small.history(session, new HistoryQuery(2, null, null));
            assertEquals(List.of("m4", "Message #4: m4"), contents(page));
            assertTrue(page.hasMore());

            append(small, "m5", null);
            // over the limit plus its slack: trimmed back to the limit in one step
            assertEquals(":4", redis.command("XLEN", stream).trim());
            assertEquals(List.of("m4", "Message #4: m4", "m5", "Message #5: m5"),
                    contents(small.history(session, HistoryQuery.after(0))));
        } finally {
            small.stop();
        }
    }

    @Test
    void theWriterLearnsExactlyWhatOtherInstancesReadFromThePublishedPayload() throws Exception {
        var published = new java.util.concurrent.LinkedBlockingQueue<String>();
        var listener = new redis.clients.jedis.JedisPubSub() {
            @Override
            public void onMessage(String channel, String message) {
                published.add(message);
            }

            @Override
            public void onSubscribe(String channel, int subscribedChannels) {
                published.add("subscribed");
            }
        };
        try (var subscriber = new redis.clients.jedis.Jedis("127.0.0.1", redis.port())) {
            Thread listening = new Thread(() -> subscriber.subscribe(listener, store.channel(session)));
            listening.start();
            assertEquals("subscribed", published.poll(5, TimeUnit.SECONDS));
            List<StoredExchange> written = List.of(append(store, "caf\u00e9 \ud83d\ude00 \"quoted\" \\ / \n", null),
                    append(store, "with an id", "c-7"), append(store, "no author's id", "c-8", null));
            for (StoredExchange exchange : written) {
                String payload = published.poll(5, TimeUnit.SECONDS);
                assertEquals(LivePayload.parse(session, payload, false), exchange, payload);
            }
            listener.unsubscribe();
            listening.join(5000);
        }
    }

    private static List<String> contents(SessionHistory history) {
        return history.messages().stream().map(ChatMessage::content).toList();
    }

    @Test
    void sameClientIdIsStoredOnceAndAnsweredWithTheOriginalSeq() throws Exception {
        StoredExchange first = append(store, "pay once", "c-1");
        StoredExchange retry = append(store, "pay once", "c-1");
        StoredExchange other = append(store, "pay twice", "c-2");

        assertFalse(first.duplicate());
        assertTrue(retry.duplicate());
        assertEquals(first.sent().seq(), retry.sent().seq());
        assertEquals(first.number(), retry.number());
        assertEquals(2, other.number());
        assertEquals(4, store.history(session, HistoryQuery.all()).messages().size());
    }

    @Test
    void theSameClientIdFromAnotherAuthorIsStoredAsANewMessage() throws Exception {
        StoredExchange attackers = append(store, "forged", "page-2", "c-attacker-socket");
        StoredExchange victims = append(store, "real", "page-2", AUTHOR);

        assertFalse(victims.duplicate(), "another client cannot claim a clientId");
        assertEquals("real", victims.sent().content());
        assertEquals(2, victims.number());
        assertEquals(AUTHOR, victims.client().author());
        assertEquals("c-attacker-socket", attackers.client().author());
        SessionHistory history = store.history(session, HistoryQuery.all());
        assertEquals(4, history.messages().size());
        assertEquals(AUTHOR, history.clientTagOf(history.messages().get(2)).author(),
                "the history knows whose clientId it is, so a replay gives it back to its author only");
        assertEquals("page-2", history.clientTagOf(history.messages().get(2)).clientId());
    }

    @Test
    void theSameAuthorAndClientIdWithOtherContentIsRefusedAndNothingIsStored() throws Exception {
        append(store, "pay once", "c-1");
        var failure = assertThrows(java.util.concurrent.ExecutionException.class,
                () -> append(store, "pay twice", "c-1"));
        assertInstanceOf(ClientIdReusedException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().contains("c-1"), failure.getCause().getMessage());
        assertTrue(append(store, "pay once", "c-1").duplicate(), "the same content is still a retry");
        assertEquals(2, store.history(session, HistoryQuery.all()).messages().size());
    }

    @Test
    void pagesBySinceBeforeAndLimit() throws Exception {
        for (int i = 1; i <= 3; i++) {
            append(store, "m" + i, null);
        }
        assertEquals(List.of(5L, 6L), seqs(store.history(session, new HistoryQuery(null, 4L, null))));
        assertEquals(List.of(5L), seqs(store.history(session, new HistoryQuery(1, 4L, null))));
        assertEquals(List.of(1L, 2L, 3L), seqs(store.history(session, new HistoryQuery(null, null, 4L))));
        assertEquals(List.of(2L, 3L), seqs(store.history(session, new HistoryQuery(2, null, 4L))));
        assertEquals(List.of(5L, 6L), seqs(store.history(session, new HistoryQuery(2, null, null))));
        SessionHistory beyond = store.history(session, new HistoryQuery(null, 6L, null));
        assertEquals(EmptyReason.none_in_range, beyond.emptyReason());
        assertTrue(store.history(session, new HistoryQuery(null, null, 1L)).messages().isEmpty());
    }

    @Test
    void aPageSaysWhetherTheLimitLeftMessagesOutInItsDirection() throws Exception {
        for (int i = 1; i <= 3; i++) {
            append(store, "m" + i, null);
        }
        assertTrue(store.history(session, new HistoryQuery(1, 4L, null)).hasMore(), "6 is after 5");
        assertFalse(store.history(session, new HistoryQuery(2, 4L, null)).hasMore());
        assertTrue(store.history(session, new HistoryQuery(2, null, null)).hasMore(), "1..4 are before 5");
        assertTrue(store.history(session, new HistoryQuery(2, null, 4L)).hasMore(), "1 is before 2");
        assertFalse(store.history(session, new HistoryQuery(3, null, 4L)).hasMore());
        assertFalse(store.history(session, HistoryQuery.all()).hasMore());
        assertFalse(store.history(session, HistoryQuery.metaOnly()).hasMore());
    }

    @Test
    void aLargeHistoryIsReadInPagesWithinTheBudgetAndTheCursorsWalkItOnceInBothDirections() throws Exception {
        store.settings.historyMaxResponseBytes = 100_000;
        for (int i = 1; i <= 20; i++) {
            append(store, String.valueOf(i % 10).repeat(10_000), null);
        }
        var pages = new java.util.ArrayList<SessionHistory>();
        SessionHistory page = store.history(session, HistoryQuery.all());
        pages.add(page);
        while (page.hasMore()) {
            page = store.history(session, new HistoryQuery(null, null, page.firstReturnedSeq()));
            pages.add(page);
        }
        assertTrue(pages.size() >= 4, "40 entries of 10 kB in pages of at most 100 kB: " + pages.size());
        var backward = new java.util.ArrayList<Long>();
        for (SessionHistory each : pages) {
            assertWithinBudget(each, 100_000);
            assertEquals(java.util.stream.LongStream.rangeClosed(each.firstReturnedSeq(), each.lastReturnedSeq())
                    .boxed().toList(), seqs(each), "each page oldest first, without holes");
            backward.addAll(0, seqs(each));
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList(), backward);

        var forward = new java.util.ArrayList<Long>();
        page = store.history(session, HistoryQuery.after(0));
        forward.addAll(seqs(page));
        while (page.hasMore()) {
            assertWithinBudget(page, 100_000);
            page = store.history(session, HistoryQuery.after(page.lastReturnedSeq()));
            forward.addAll(seqs(page));
        }
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 40).boxed().toList(), forward);
    }

    @Test
    void aReadThatAsksForLessThanTheBudgetGetsAtMostThatAndReadsOnFromItsLastSeq() throws Exception {
        store.settings.historyMaxResponseBytes = 100_000;
        for (int i = 1; i <= 10; i++) {
            append(store, String.valueOf(i % 10).repeat(10_000), null);
        }
        var forward = new java.util.ArrayList<Long>();
        SessionHistory page = store.history(session, HistoryQuery.after(0, 30_000));
        int pages = 1;
        forward.addAll(seqs(page));
        while (page.hasMore()) {
            assertWithinBudget(page, 30_000);
            page = store.history(session, HistoryQuery.after(page.lastReturnedSeq(), 30_000));
            forward.addAll(seqs(page));
            pages++;
        }
        assertTrue(pages >= 7, "20 entries of 10 kB in reads of at most 30 kB: " + pages);
        assertEquals(java.util.stream.LongStream.rangeClosed(1, 20).boxed().toList(), forward);
        SessionHistory askedForMore = store.history(session, HistoryQuery.after(0, 1_000_000));
        assertTrue(askedForMore.hasMore(), "the store's budget still holds above it");
        assertWithinBudget(askedForMore, 100_000);
    }

    @Test
    void aMessageLargerThanTheBudgetIsReturnedAloneSoEveryPageMovesOn() throws Exception {
        store.settings.historyMaxResponseBytes = 1_000;
        append(store, "x".repeat(5_000), null);
        SessionHistory newest = store.history(session, HistoryQuery.all());
        assertEquals(List.of(2L), seqs(newest));
        assertTrue(newest.hasMore());
        SessionHistory older = store.history(session, new HistoryQuery(null, null, 2L));
        assertEquals(List.of(1L), seqs(older));
        assertFalse(older.hasMore());
        assertEquals(List.of(1L), seqs(store.history(session, HistoryQuery.after(0))));
    }

    @Test
    void theLargestSeqsAreReadExactlyNotRoundedByLua() throws Exception {
        append(store, "m", null);
        SessionHistory beyond = store.history(session, HistoryQuery.after(HistoryQuery.MAX_SEQ));
        assertEquals(List.of(), seqs(beyond));
        assertEquals(EmptyReason.none_in_range, beyond.emptyReason());
        assertEquals(List.of(), seqs(store.history(session, HistoryQuery.after(1_000_000_000_000_000L))));
        assertEquals(List.of(1L, 2L), seqs(store.history(session, new HistoryQuery(null, null, HistoryQuery.MAX_SEQ))));
        assertEquals(List.of(2L), seqs(store.history(session, HistoryQuery.after(1))));
    }

    /** The content a page carries stays within the budget, unless the page is one message. */
    static void assertWithinBudget(SessionHistory page, long budget) {
        long bytes = page.messages().stream()
                .mapToLong(m -> m.content().getBytes(java.nio.charset.StandardCharsets.UTF_8).length).sum();
        assertTrue(page.messages().size() == 1 || bytes <= budget, bytes + " bytes in " + seqs(page));
        assertFalse(page.messages().isEmpty());
    }

    @Test
    void lostMetaStartsANewEpochInsteadOfMixingHistories() throws Exception {
        StoredExchange before = append(store, "one", null);
        redis.command("DEL", "chat:{" + session + "}:meta");
        StoredExchange after = append(store, "two", null);

        assertNotEquals(before.epoch(), after.epoch());
        assertEquals(1, after.number());
        assertEquals(List.of("two", "Message #1: two"),
                store.history(session, HistoryQuery.all()).messages().stream().map(ChatMessage::content).toList());
    }

    @Test
    void failsWithAReasonWhenRedisIsDownAndRecoversWhenItIsBack() throws Exception {
        append(store, "before", null);
        redis.kill();

        var failure = assertThrows(java.util.concurrent.ExecutionException.class, () -> append(store, "lost", null));
        assertInstanceOf(RedisUnavailableException.class, failure.getCause());
        assertTrue(failure.getCause().getMessage().startsWith("Redis unavailable"), failure.getCause().getMessage());
        assertThrows(RedisUnavailableException.class, () -> store.history(session, HistoryQuery.all()));

        redis.launch();
        StoredExchange after = append(store, "after", null);
        assertEquals(1, after.number(), "Redis came back empty: a new epoch starts");
        assertEquals(2, store.history(session, HistoryQuery.all()).messages().size());
    }

    @Test
    void unicodeAndLuaPatternCharactersSurviveTheRoundTrip() throws Exception {
        String content = "héllo 👋 %d %s '; -- \" \\n {}[]|";
        append(store, content, "weird|client");
        append(store, content, "weird|client");
        List<ChatMessage> messages = store.history(session, HistoryQuery.all()).messages();
        assertEquals(2, messages.size());
        assertEquals(content, messages.get(0).content());
        assertEquals("Message #1: " + content, messages.get(1).content());
    }

    static List<Long> seqs(SessionHistory history) {
        return history.messages().stream().map(ChatMessage::seq).toList();
    }

    @Test
    void theReplyAndTheAuthorComeFromTheStoreAndAreKeptInTheHistory() throws Exception {
        StoredExchange stored = append(store, new ExchangeRequest(session, "hi", null, null, "#k.1", "sock-a", 42));
        assertEquals("Message #1: hi", stored.reply().content());
        assertEquals("sock-a", stored.sent().from());
        assertEquals("sock-a", stored.reply().from());
        assertNull(stored.clientId(), "a key the server made is not a clientId");
        List<ChatMessage> history = store.history(session, HistoryQuery.all()).messages();
        assertEquals(List.of("sock-a", "sock-a"), history.stream().map(ChatMessage::from).toList());
    }

    @Test
    void aWriteRepeatedWithItsServerKeyIsStoredOnceAndAnsweredWithTheFirstResult() throws Exception {
        var request = new ExchangeRequest(session, "once", null, null, "#sock-a.7", "sock-a", 42);
        StoredExchange first = append(store, request);
        StoredExchange again = append(store, request);
        assertFalse(first.duplicate());
        assertTrue(again.duplicate());
        assertEquals(first.sent(), again.sent());
        assertEquals(first.reply(), again.reply());
        assertEquals(2, store.history(session, HistoryQuery.all()).messages().size());
        long ttl = Long.parseLong(redis.command("TTL", "chat:{" + session + "}:cid:#sock-a").trim().substring(1));
        assertTrue(ttl > 0 && ttl <= 60, "a server key only outlives a retry: " + ttl);
    }

    @Test
    void theNextMessageOfAConnectionIsNewAndOnlyItsLatestCountsAsARetry() throws Exception {
        StoredExchange first = append(store, new ExchangeRequest(session, "one", null, null,
                "#sock-a.1", "sock-a", 42));
        StoredExchange second = append(store, new ExchangeRequest(session, "two", null, null,
                "#sock-a.2", "sock-a", 43));
        StoredExchange other = append(store, new ExchangeRequest(session, "one", null, null,
                "#sock-b.1", "sock-b", 44));
        StoredExchange retried = append(store, new ExchangeRequest(session, "two", null, null,
                "#sock-a.2", "sock-a", 43));
        assertEquals(List.of(1L, 2L, 3L), List.of(first.number(), second.number(), other.number()));
        assertTrue(retried.duplicate());
        assertEquals(2, retried.number());
        assertEquals("1", redis.command("EVAL", "return #redis.call('KEYS', ARGV[1])", "0",
                "chat:{" + session + "}:cid:#sock-a").trim().substring(1), "one key per connection");
    }

    @Test
    void aWriteOnAConnectionThatDiedWithRedisIsRetriedOnAFreshOne() throws Exception {
        append(store, "before", null);
        redis.restart();
        // nothing else touched Redis since: the pooled connection is the dead one
        StoredExchange after = append(store, "after the restart", null);
        assertEquals(1, after.number(), "stored in the restarted (empty) Redis");
        assertEquals(2, store.history(session, HistoryQuery.all()).messages().size());
    }

    @Test
    void anyAnswerFromRedisEndsTheFailFastWindow() throws Exception {
        connection.storeSettings.failFastMs = 60_000;
        append(store, "before", null);
        redis.kill();
        assertThrows(java.util.concurrent.ExecutionException.class, () -> append(store, "refused", null));
        redis.launch();
        var refused = assertThrows(java.util.concurrent.ExecutionException.class, () -> append(store, "fast", null));
        assertTrue(refused.getCause().getMessage().contains("retrying shortly"), refused.getCause().getMessage());

        store.history(session, HistoryQuery.metaOnly());
        assertEquals(1, append(store, "stored again", null).number());
    }

    @Test
    void aPayloadOfAnotherVersionIsRefusedNotGuessed() {
        assertThrows(LivePayload.UnknownVersionException.class, () -> LivePayload.parse(session,
                "{\"v\":2,\"e\":\"x\",\"n\":1,\"t\":\"1\",\"u\":1,\"r\":2,\"c\":\"a\",\"a\":\"b\"}", false));
        assertThrows(LivePayload.UnknownVersionException.class, () -> LivePayload.parse(session,
                "{\"e\":\"x\",\"n\":1,\"t\":\"1\",\"u\":1,\"r\":2,\"c\":\"a\"}", false));
    }

    @Test
    void theOldestEntriesGoWhenASessionHoldsMoreBytesThanItsLimit() throws Exception {
        MessageStore small = storeWith(300, 1000);
        small.settings.historyMaxBytes = 10_000;
        try {
            String kilobytes = "x".repeat(2000);
            for (int i = 1; i <= 6; i++) {
                append(small, i + kilobytes, null);
            }
            SessionHistory history = small.history(session, HistoryQuery.all());
            long bytes = history.messages().stream().mapToLong(m -> m.content().length()).sum();
            assertTrue(bytes <= 10_000, bytes + " bytes kept");
            assertEquals("6" + kilobytes, history.messages().get(history.messages().size() - 2).content());
            assertTrue(history.messages().get(0).seq() > 1, "the oldest went first");
            assertEquals(12, history.lastSeq(), "seqs go on: the client sees a shorter history, not a new one");
            assertEquals(":" + bytes + "\r\n", redis.command("HGET", "chat:{" + session + "}:meta", "b").replaceAll(
                    "^\\$\\d+\r\n", ":"), "the meta hash counts what is kept");
        } finally {
            small.stop();
        }
    }

    @Test
    void aNewSessionIsRefusedWhenNoneMayStartButAnExistingOneGoesOn() throws Exception {
        append(store, "exists", null);
        StoredExchange more = append(store, new ExchangeRequest(session, "more", null, null, "#s.1", "s", 1), false);
        assertEquals(2, more.number());
        String other = session + "-new";
        var refused = assertThrows(java.util.concurrent.ExecutionException.class, () -> append(store,
                new ExchangeRequest(other, "hello", null, null, "#s.2", "s", 1), false));
        assertInstanceOf(io.redischat.sessions.control.SessionRefusedException.class, refused.getCause());
        assertEquals(EmptyReason.never_persisted, store.history(other, HistoryQuery.all()).emptyReason());
    }

    @Test
    void theMemoryGuardRefusesNewSessionsAboveItsShareOfMaxmemory() {
        assertNull(RedisMemoryGuard.judge("used_memory:900\r\nmaxmemory:0\r\n", 0.9), "no maxmemory: no limit");
        assertNull(RedisMemoryGuard.judge("used_memory:899\r\nmaxmemory:1000\r\n", 0.9));
        assertTrue(RedisMemoryGuard.judge("used_memory:900\r\nmaxmemory:1000\r\n", 0.9).contains("90% full"));
        assertNull(RedisMemoryGuard.judge("", 0.9), "INFO denied: nothing to judge");
    }
}
