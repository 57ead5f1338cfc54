package io.redischat.sessions.control;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.LongStream;

import jakarta.json.JsonObject;
import jakarta.websocket.CloseReason;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import io.redischat.sessions.control.FeedHarness.Client;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.StoredExchange;

/**
 * The feed's promise, tested against the in-memory store with every interleaving chosen by the test: each
 * connection gets every message stored after its place, exactly once and in seq order, starting with
 * {@code connected}; its own messages are among them, including those it sent before {@code connected}.
 */
class SessionFeedTest {

    final FeedHarness harness = new FeedHarness();
    final InMemoryMessageLog log = harness.log;
    final SessionFeed feed = harness.feed;

    @Test
    void aMessageSentBeforeConnectedIsStoredAfterTheSocketsPlaceAndAnsweredAfterConnected() {
        log.hold();
        Client client = harness.join();
        harness.writeAndAcknowledge(client, "sent in onopen");
        assertEquals(1, log.heldCalls(), "the write waits until the socket's place was read");

        log.releaseAll();
        assertEquals(0, client.connected().getJsonNumber("lastSeq").longValue(), "connected excludes the message");
        assertEquals(List.of(1L, 2L), client.seqs());
        assertEquals("sent in onopen 1", client.received.get(1).getString("content"));
        assertEquals(client.connection.connectionId(), client.received.get(1).getString("from"));
    }

    @Test
    void theOwnWriteAcknowledgedBeforeThePlaceIsProcessedIsStillDelivered() {
        Client early = harness.join();
        log.hold();
        Client late = harness.join();
        // another member's message is stored while the late member's place read is held: it was read later
        harness.writeAndAcknowledge(early, "from early");
        log.release(1);
        log.release(0);
        assertEquals(List.of(1L, 2L), early.seqs());
        assertEquals(2, late.connected().getJsonNumber("lastSeq").longValue());
        assertEquals(List.of(), late.seqs(), "stored before its place: not for it");
    }

    @Test
    void aMemberPlacedBeforeMessagesTheFeedAlreadyDeliveredGetsThemFromTheRecentOnes() {
        Client first = harness.join();
        log.holdAnswers();
        Client late = harness.join();
        harness.writeAndAcknowledge(first, "a");
        log.release(1);
        harness.writeAndAcknowledge(first, "b");
        log.release(1);
        assertEquals(List.of(1L, 2L, 3L, 4L), first.seqs());
        // its place (0) was read before 1..4 were stored, and reached the feed after it delivered them
        log.releaseAll();
        assertEquals(0, late.connected().getJsonNumber("lastSeq").longValue());
        assertEquals(List.of(1L, 2L, 3L, 4L), late.seqs(), "everything after its place, once, in order");
    }

    @Test
    void overTheInstancesLimitAFeedKeepsOnlyWhatAMemberStillNeedsAndEveryoneStillGetsEverything() {
        var shared = new RecentFramesBudget(1);
        var tight = new FeedHarness(new SessionFeed.Pacing(Long.MAX_VALUE, 5_000, shared));
        Client fast = tight.join();
        Client slow = tight.joinSlow(null, 400);
        for (int i = 0; i < 5; i++) {
            tight.writeAndAcknowledge(fast, "m" + i);
        }
        assertEquals(List.of(1L, 2L, 3L, 4L, 5L, 6L, 7L, 8L, 9L, 10L), fast.seqs());
        assertTrue(shared.used() > 0, "what the slow member has not been sent yet is kept");
        slow.drainFully();
        assertEquals(fast.seqs(), slow.seqs());
        tight.writeAndAcknowledge(fast, "after");
        slow.drainFully();
        assertEquals(0, shared.used(), "every member was sent everything: nothing is kept");
        assertEquals(12, slow.seqs().size());

        var roomy = new RecentFramesBudget(Long.MAX_VALUE);
        var kept = new FeedHarness(new SessionFeed.Pacing(Long.MAX_VALUE, 5_000, roomy));
        Client member = kept.join();
        kept.writeAndAcknowledge(member, "kept");
        assertTrue(roomy.used() > 0, "under the limit the recent frames stay for members that fall behind");
        kept.feed.leave(member.connection);
        assertEquals(0, roomy.used(), "the last member left: the feed gives its frames back");
    }

    @Test
    void publishedAndAcknowledgedTwiceIsDeliveredOnce() {
        Client client = harness.join();
        harness.writeAndAcknowledge(client, "once");
        log.published.forEach(feed::onExchange);
        log.published.forEach(feed::onExchange);
        assertEquals(List.of(1L, 2L), client.seqs());
    }

    @Test
    void messagesArrivingOutOfOrderAreDeliveredInOrder() {
        Client client = harness.join();
        StoredExchange first = harness.writeElsewhere("1");
        StoredExchange second = harness.writeElsewhere("2");
        log.hold();
        feed.onExchange(second);
        assertEquals(List.of(), client.seqs(), "3 and 4 wait for 1 and 2");
        feed.onExchange(first);
        assertEquals(List.of(1L, 2L, 3L, 4L), client.seqs());
        log.releaseAll();
        assertEquals(List.of(1L, 2L, 3L, 4L), client.seqs(), "the history read finds nothing new");
    }

    @Test
    void whatWasPublishedBeforeTheSubscriptionIsReadOnceItIsConfirmed() {
        Client client = harness.join();
        harness.writeElsewhere("lost to pub/sub");
        assertEquals(List.of(), client.seqs());
        feed.subscribed();
        assertEquals(List.of(1L, 2L), client.seqs());
    }

    @Test
    void aLostPublicationIsFoundInTheHistoryWhenTheNextOneShowsTheHole() {
        feed.subscribed();
        Client client = harness.join();
        harness.writeElsewhere("lost");
        feed.onExchange(harness.writeElsewhere("next"));
        assertEquals(List.of(), client.seqs(), "the hole may be an exchange a moment away: a short wait first");
        harness.clock.advance(SessionFeed.HOLE_GRACE_MS);
        assertEquals(List.of(1L, 2L, 3L, 4L), client.seqs());
    }

    @Test
    void aHoleFilledWithinTheGraceCostsNoHistoryRead() {
        feed.subscribed();
        Client client = harness.join();
        int readsBefore = log.reads;
        StoredExchange late = harness.writeElsewhere("finished late by its pipeline");
        feed.onStored(harness.writeElsewhere("finished first"));
        feed.onStored(late);
        harness.clock.advance(SessionFeed.HOLE_GRACE_MS);
        assertEquals(List.of(1L, 2L, 3L, 4L), client.seqs());
        assertEquals(readsBefore, log.reads, "no history read for a hole that filled itself");
    }

    @Test
    void messagesTrimmedBeforeTheyCouldBeDeliveredAreAGap() {
        feed.subscribed();
        Client client = harness.join();
        log.trimTo(2);
        harness.writeElsewhere("trimmed");
        harness.writeElsewhere("trimmed too");
        feed.onExchange(harness.writeElsewhere("kept"));
        harness.clock.advance(SessionFeed.HOLE_GRACE_MS);
        assertEquals(List.of(5L, 6L), client.seqs());
        assertEquals(List.of("gap"), client.syncStates());
    }

    @Test
    void aNewEpochResetsTheMembersAndDeliversTheNewHistoryFromItsStart() {
        feed.subscribed();
        Client client = harness.join();
        harness.writeAndAcknowledge(client, "old");
        String oldEpoch = client.received.get(1).getString("epoch");
        log.loseEverything();
        harness.writeAndAcknowledge(client, "new");
        assertEquals(List.of(1L, 2L, 1L, 2L), client.seqs());
        assertEquals(List.of("reset"), client.syncStates());
        assertNotEquals(oldEpoch, client.received.get(client.received.size() - 1).getString("epoch"));
    }

    @Test
    void aResumeReplaysWhatWasMissedAfterConnectedAndThenGoesLive() {
        feed.subscribed();
        Client writer = harness.join();
        harness.writeAndAcknowledge(writer, "a");
        harness.writeAndAcknowledge(writer, "b");
        String epoch = writer.received.get(1).getString("epoch");
        Client back = harness.join(new ResumePoint(2, epoch));
        assertTrue(back.connected().getBoolean("recovered"));
        assertEquals(2, back.connected().getInt("replayed"));
        harness.writeAndAcknowledge(writer, "c");
        assertEquals(List.of(3L, 4L, 5L, 6L), back.seqs());
    }

    @Test
    void aResumeThatMissedMoreThanOneReadMayCarryIsReplayedPageByPageThenGoesLive() {
        feed.subscribed();
        for (int i = 0; i < 10; i++) {
            // written on another instance while no one was here: the feed holds none of it
            harness.writeElsewhere("missed");
        }
        String epoch = log.published.get(0).epoch();
        log.budget(100);
        int readsBefore = log.reads;
        Client back = harness.join(new ResumePoint(2, epoch));
        assertTrue(back.connected().getBoolean("recovered"), "18 messages of about 10 bytes: several reads, all there");
        assertEquals(18, back.connected().getInt("replayed"), "every seq after since up to lastSeq");
        assertEquals(20, back.connected().getJsonNumber("lastSeq").longValue());
        assertEquals(LongStream.rangeClosed(3, 20).boxed().toList(), back.seqs());
        assertTrue(log.reads - readsBefore > 2, "read in pages: " + (log.reads - readsBefore));
        assertTrue(log.largestReadBytes <= 100, "no read carried more than the budget: " + log.largestReadBytes);
        harness.writeAndAcknowledge(back, "live");
        assertEquals(LongStream.rangeClosed(3, 22).boxed().toList(), back.seqs(), "then live, no gap, no duplicate");
        assertEquals(List.of(), back.syncStates());
    }

    @Test
    void aReplayWaitsForTheSocketToDrainBeforeReadingOnWhileTheOthersStayLive() {
        feed.subscribed();
        Client writer = harness.join();
        for (int i = 0; i < 50; i++) {
            harness.writeAndAcknowledge(writer, "x".repeat(200));
        }
        String epoch = writer.received.get(1).getString("epoch");
        log.budget(1_000);
        Client slow = harness.joinSlow(new ResumePoint(0, epoch), 4_096);
        assertTrue(slow.connected().getBoolean("recovered"));
        assertEquals(100, slow.connected().getInt("replayed"));
        int delivered = slow.seqs().size();
        assertTrue(delivered > 0 && delivered < 20, "stopped near what its send buffer holds: " + delivered);
        Client live = harness.join();
        int readsWhileFull = log.reads;
        harness.writeAndAcknowledge(writer, "live");
        assertEquals(List.of(101L, 102L), live.seqs(), "a member that keeps up is not held up by the slow one");
        assertEquals(LongStream.rangeClosed(1, 102).boxed().toList(), writer.seqs());
        assertEquals(delivered, slow.seqs().size(), "nothing more for the slow one before it drains");
        assertEquals(readsWhileFull, log.reads, "and no page read for it");

        for (int round = 0; slow.drain(); round++) {
            harness.clock.advance(1_000); // slow, but it takes something within the stall time: it stays
            assertTrue(round < 1_000);
        }
        assertEquals(LongStream.rangeClosed(1, 102).boxed().toList(), slow.seqs(), "everything, once, in order");
        assertEquals(List.of(), slow.syncStates());
        assertTrue(slow.open, "drained, slowly: never closed");
        assertTrue(slow.mostUnsentBytes <= 4_096, "never more than its send buffer held: " + slow.mostUnsentBytes);
        harness.writeAndAcknowledge(writer, "after");
        slow.drainFully();
        assertEquals(LongStream.rangeClosed(1, 104).boxed().toList(), slow.seqs());
    }

    @Test
    void aReplayingSocketThatTakesNothingIsClosedInsteadOfBuffered() {
        feed.subscribed();
        Client writer = harness.join();
        for (int i = 0; i < 50; i++) {
            harness.writeAndAcknowledge(writer, "x".repeat(200));
        }
        log.budget(1_000);
        Client stuck = harness.joinSlow(new ResumePoint(0, null), 4_096);
        int delivered = stuck.seqs().size();
        for (int i = 0; i < 20; i++) {
            harness.writeAndAcknowledge(writer, "live " + i);
        }
        assertEquals(delivered, stuck.seqs().size());
        assertTrue(stuck.mostUnsentBytes <= 4_096, "held no more than its send buffer: " + stuck.mostUnsentBytes);
        harness.clock.advance(60_000);
        CloseReason closed = stuck.awaitClosed();
        assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, closed == null ? null : closed.getCloseCode());
        assertTrue(closed.getReasonPhrase().contains("not reading"), closed.getReasonPhrase());
        assertEquals(LongStream.rangeClosed(1, 140).boxed().toList(), writer.seqs(), "the writer got everything");
    }

    @Test
    void aMemberThatKeepsUpGetsEveryLiveMessageWhileAnotherStopsReadingAndIsClosed() {
        feed.subscribed();
        // as ClientLimitsIT: a send buffer smaller than two messages, both sockets' sends finish later
        Client fast = harness.joinSlow(null, 65_536);
        Client stuck = harness.joinSlow(null, 65_536);
        String big = "x".repeat(60_000);
        for (int i = 0; i < 100; i++) {
            harness.writeAndAcknowledge(fast, i + big);
            fast.drain();
            if (i == 50) {
                for (int second = 0; second < 10; second++) {
                    harness.clock.advance(1_000);
                    fast.drain(); // it keeps reading
                }
                assertEquals(CloseReason.CloseCodes.TRY_AGAIN_LATER, stuck.awaitClosed().getCloseCode());
                feed.countOut();
                feed.leave(stuck.connection);
            }
        }
        fast.drainFully();
        assertEquals(LongStream.rangeClosed(1, 200).boxed().toList(), fast.seqs());
    }

    @Test
    void aResumeWithinTheBudgetIsStillReplayed() {
        feed.subscribed();
        Client writer = harness.join();
        harness.writeAndAcknowledge(writer, "a");
        harness.writeAndAcknowledge(writer, "b");
        String epoch = writer.received.get(1).getString("epoch");
        log.budget(1_000);
        Client back = harness.join(new ResumePoint(2, epoch));
        assertTrue(back.connected().getBoolean("recovered"));
        assertEquals(List.of(3L, 4L), back.seqs());
    }

    @Test
    void aCatchUpLargerThanTheBudgetIsReadPageByPageWithoutAGap() {
        Client client = harness.join();
        for (int i = 0; i < 10; i++) {
            harness.writeElsewhere("before the subscription");
        }
        log.budget(100);
        int readsBefore = log.reads;
        feed.subscribed();
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), client.seqs());
        assertEquals(List.of(), client.syncStates(), "nothing was trimmed: no gap");
        assertTrue(log.reads - readsBefore > 2, "read in pages: " + (log.reads - readsBefore));
        assertTrue(log.largestReadBytes <= 100, "no read carried more than the budget: " + log.largestReadBytes);
    }

    @Test
    void anInterruptedFeedCatchesUpInPagesAndSaysResumedOnceAtTheEnd() {
        feed.subscribed();
        Client client = harness.join();
        log.budget(100);
        feed.onInterrupted();
        for (int i = 0; i < 10; i++) {
            harness.writeElsewhere("during");
        }
        feed.onRestored();
        assertEquals(LongStream.rangeClosed(1, 20).boxed().toList(), client.seqs());
        assertEquals(List.of("interrupted", "resumed"), client.syncStates());
    }

    @Test
    void aResumeIntoAnotherEpochIsNotRecovered() {
        feed.subscribed();
        Client writer = harness.join();
        harness.writeAndAcknowledge(writer, "a");
        Client back = harness.join(new ResumePoint(2, "gone"));
        assertFalse(back.connected().getBoolean("recovered"));
        assertEquals(List.of(), back.seqs());
    }

    @Test
    void aSocketOpenedWhileTheStoreIsDownIsConnectedAndGetsWhatComesOnceItIsBack() {
        feed.subscribed();
        log.down(true);
        Client client = harness.join();
        assertEquals("connected", client.connected().getString("type"));
        log.down(false);
        harness.writeAndAcknowledge(client, "after the outage");
        assertEquals(List.of(1L, 2L), client.seqs());
    }

    @Test
    void anInterruptedFeedSaysSoAndCatchesUpWhenRestored() {
        feed.subscribed();
        Client client = harness.join();
        feed.onInterrupted();
        harness.writeElsewhere("during");
        feed.onRestored();
        assertEquals(List.of(1L, 2L), client.seqs());
        assertEquals(List.of("interrupted", "resumed"), client.syncStates());
    }

    @Test
    void aFailedHistoryReadIsTriedAgainLater() {
        Client client = harness.join();
        harness.writeElsewhere("lost");
        log.down(true);
        feed.subscribed();
        assertEquals(List.of(), client.seqs());
        log.down(false);
        harness.clock.advance(SessionFeed.READ_RETRY_MS);
        assertEquals(List.of(1L, 2L), client.seqs());
    }

    @Test
    void aMemberThatLeftGetsNothingMore() {
        Client stays = harness.join();
        Client leaves = harness.join();
        feed.countOut();
        feed.leave(leaves.connection);
        harness.writeAndAcknowledge(stays, "after");
        assertEquals(List.of(1L, 2L), stays.seqs());
        assertEquals(List.of(), leaves.seqs());
    }

    @Test
    void aClientIdGoesOnlyToTheSocketsOfItsSenderAndEachMessageIsSerializedAtMostTwice() {
        feed.subscribed();
        Client alice = harness.join("s-alice");
        Client alicesOtherTab = harness.join("s-alice");
        Client bob = harness.join("s-bob");
        Client anonymous = harness.join();
        int before = harness.messageFramesMade;
        harness.writeNamed(alice, "hello", "alice-1").thenAccept(feed::onExchange);

        for (Client own : List.of(alice, alicesOtherTab)) {
            assertEquals(List.of("alice-1", "alice-1"), clientIds(own), "the sender matches its pending message");
        }
        for (Client other : List.of(bob, anonymous)) {
            assertEquals(List.of(1L, 2L), other.seqs());
            assertEquals(List.of("", ""), clientIds(other), "others get the message without its clientId");
        }
        assertEquals(4, harness.messageFramesMade - before, "two variants of each of the two messages");
    }

    @Test
    void aResumeAndAHistoryReadGiveTheClientIdOnlyToItsAuthor() {
        feed.subscribed();
        Client alice = harness.join("s-alice");
        Client bob = harness.join("s-bob");
        harness.writeNamed(alice, "sent, then the socket dropped", "alice-1");
        // the publication was lost: the next message shows the hole, and the feed reads the history
        harness.writeNamed(alice, "next", "alice-2").thenAccept(feed::onExchange);
        harness.clock.advance(SessionFeed.HOLE_GRACE_MS);
        assertEquals(List.of("alice-1", "alice-1", "alice-2", "alice-2"), clientIds(alice));
        assertEquals(List.of("", "", "", ""), clientIds(bob));

        String epoch = alice.messages().get(0).getString("epoch");
        Client aliceBack = harness.join("s-alice", new ResumePoint(0, epoch));
        Client bobBack = harness.join("s-bob", new ResumePoint(0, epoch));
        assertEquals(List.of("alice-1", "alice-1", "alice-2", "alice-2"), clientIds(aliceBack),
                "a reconnected client matches what it sent before the drop");
        assertEquals(List.of("", "", "", ""), clientIds(bobBack));
    }

    @Test
    void anotherClientCannotClaimAClientId() {
        feed.subscribed();
        Client victim = harness.join("s-victim");
        Client attacker = harness.join();
        harness.writeNamed(attacker, "forged", "page-2").thenAccept(feed::onExchange);

        StoredExchange real = harness.writeNamed(victim, "real", "page-2").join();
        feed.onExchange(real);
        assertFalse(real.duplicate(), "stored as a message of its own");
        assertEquals(List.of(1L, 2L, 3L, 4L), victim.seqs());
        assertEquals(List.of(1L, 2L, 3L, 4L), attacker.seqs());
        assertEquals("real", attacker.messages().get(2).getString("content"));
        assertEquals(List.of("page-2", "page-2", "", ""), clientIds(attacker), "only its own id");
        assertEquals(List.of("", "", "page-2", "page-2"), clientIds(victim));
    }

    @Test
    void aClientIdRetriedWithOtherContentIsRefusedAndWithTheSameIsADuplicate() {
        Client client = harness.join("s-alice");
        harness.writeNamed(client, "pay once", "c-1").thenAccept(feed::onExchange);
        assertTrue(harness.writeNamed(client, "pay once", "c-1").join().duplicate());
        var reused = harness.writeNamed(client, "pay twice", "c-1");
        assertTrue(reused.isCompletedExceptionally());
        assertTrue(reused.handle((ok, failure) -> failure).join().getCause() instanceof ClientIdReusedException);
        assertEquals(List.of(1L, 2L), client.seqs());
    }

    private static List<String> clientIds(Client client) {
        return client.messages().stream().map(frame -> frame.getString("clientId", "")).toList();
    }

    /**
     * Many sockets open at once and send at once; the store answers their calls in a random order (a third of the
     * runs with reads of a few messages at most), pub/sub drops, repeats and reorders, and the subscription is
     * confirmed at a random moment. Some sockets resume from far back, across several pages, and some of those read
     * slowly (a send buffer of a few frames, drained at random moments). Every member must still get every seq after
     * its place (its resume point, when recovered), once, in order, its own messages among them.
     */
    @ParameterizedTest(name = "seed {0}")
    @MethodSource("seeds")
    void anyInterleavingOfJoinsWritesAndPublicationsDeliversEverythingOnceInOrder(long seed) {
        var random = new Random(seed);
        if (seed % 3 == 0) {
            // catch-up reads of a few messages each: the feed pages through the history
            log.budget(60);
        }
        if (seed % 2 == 0) {
            log.hold();
        } else {
            log.holdAnswers();
        }
        var clients = new ArrayList<Client>();
        var resumedFrom = new java.util.HashMap<Client, Long>();
        var slow = new ArrayList<Client>();
        int subscribeAt = random.nextInt(40);
        int published = 0;
        for (int step = 0; step < 40 || log.heldCalls() > 0; step++) {
            if (step == subscribeAt) {
                feed.subscribed();
            }
            int action = random.nextInt(10);
            if (step < 40 && action < 3) {
                Client client;
                if (random.nextInt(3) == 0) {
                    // from far back: anywhere in what was stored so far (epoch unknown: any history fits)
                    long since = random.nextInt(2 * log.published.size() + 1);
                    boolean reading = random.nextBoolean();
                    client = reading ? harness.join(new ResumePoint(since, null))
                            : harness.joinSlow(new ResumePoint(since, null), 600 + random.nextInt(2_000));
                    if (!reading) {
                        slow.add(client);
                    }
                    resumedFrom.put(client, since);
                } else {
                    client = harness.join();
                }
                clients.add(client);
                harness.writeAndAcknowledge(client, "hello");
            } else if (step < 40 && action < 4 && !slow.isEmpty()) {
                Client reader = slow.get(random.nextInt(slow.size()));
                for (int frames = random.nextInt(6); frames > 0 && reader.drainOne(); frames--) {
                    // it takes a few frames
                }
            } else if (step < 40 && action < 5 && !clients.isEmpty()) {
                harness.writeAndAcknowledge(clients.get(random.nextInt(clients.size())), "more");
            } else if (log.heldCalls() > 0) {
                log.release(random.nextInt(log.heldCalls()));
            }
            while (published < log.published.size() && random.nextInt(3) > 0) {
                StoredExchange exchange = log.published.get(published++);
                if (random.nextInt(5) > 0) {
                    feed.onExchange(exchange);
                }
                if (random.nextInt(5) == 0) {
                    feed.onExchange(exchange);
                }
            }
        }
        if (subscribeAt >= 40) {
            feed.subscribed();
        }
        log.releaseAll();
        slow.forEach(Client::drainFully);
        harness.clock.advance(10_000);
        slow.forEach(Client::drainFully);
        long lastSeq = 2L * log.published.size();
        for (Client client : clients) {
            JsonObject connected = client.connected();
            long from = connected.getJsonNumber("lastSeq").longValue();
            Long since = resumedFrom.get(client);
            if (since != null && connected.getBoolean("recovered")) {
                assertEquals(from - since, connected.getInt("replayed"), "seed " + seed + ": replayed counts them");
                from = since;
            }
            assertTrue(client.open, "seed " + seed + ": drained in time, never closed");
            assertEquals(LongStream.rangeClosed(from + 1, lastSeq).boxed().toList(), client.seqs(),
                    "seed " + seed + ": a member placed at " + from + (since == null ? "" : ", resumed from " + since));
            long own = client.received.stream().filter(frame -> "message".equals(frame.getString("type"))
                    && client.connection.connectionId().equals(frame.getString("from"))).count();
            assertTrue(own >= 2, "its own message and reply reached it");
        }
    }

    static LongStream seeds() {
        return LongStream.rangeClosed(1, 200);
    }
}
