package io.redischat.sessions.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.atomic.AtomicInteger;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ClientTag;
import io.redischat.sessions.entity.ConnectedFrame;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.ResumePoint;
import io.redischat.sessions.entity.SendLimits;
import io.redischat.sessions.entity.SessionHistory;
import io.redischat.sessions.entity.StoredExchange;
import io.redischat.sessions.entity.StreamPosition;
import io.redischat.sessions.entity.SyncFrame;

/**
 * The live messages of one persisted session on this instance, delivered to each of its connections exactly once
 * and in {@code seq} order, from the place the connection had when its socket opened.
 * <p>
 * Each member has its own position (epoch + seq). Messages arrive in any order and more than once: through pub/sub
 * (from any instance), from this instance's own writes, and from history reads. The feed keeps the recent ones by
 * seq and moves every member forward through them; a member that needs a message the feed does not hold (it was
 * published before the subscription, lost with a dropped connection, or is older than what is kept) makes the
 * feed read the history after the lowest such position. Nothing here blocks: reads complete into the same serial
 * task queue as every other event, the way Centrifuge's PubSubSync buffers live messages while it reads history.
 * <p>
 * A member that resumes from far back is placed at its resume point and moves through the history the same way,
 * one read of {@link Pacing#readBytes} at a time. A member is sent more only while its socket has room (at most half
 * its send buffer waiting); beyond that it waits, takes no part in reads, and goes on when its socket drained, so a
 * slow reader holds up no one else and costs no more memory than its own buffer and the bounded recent messages. A
 * socket that takes nothing for {@link Pacing#stalledMillis} while it waits is closed.
 */
final class SessionFeed implements LiveExchanges.Listener {

    /** Runs a task later: a scheduler in production, a fake clock in tests. */
    interface Delays {
        void after(long millis, Runnable task);
    }

    /**
     * How fast the feed goes through the history for members that are behind.
     *
     * @param readBytes     at most this much content per history read (the store's budget may cut it further): about
     *                      what a socket may have waiting, so a read is what a member can take before it must wait
     *                      (see {@link SessionFeeds} for how it is chosen)
     * @param stalledMillis a waiting member whose socket finished no send for this long is closed
     * @param shared        the recent frames of all feeds of the instance, against one limit
     */
    record Pacing(long readBytes, long stalledMillis, RecentFramesBudget shared) {
        /** Reads as large as the store allows: the unit tests set the store's budget instead. */
        static final Pacing UNBOUNDED = new Pacing(Long.MAX_VALUE, 5_000, RecentFramesBudget.UNLIMITED);
    }

    static final long UNKNOWN = -1;
    static final int RECENT_MESSAGES = 256;
    /** The recent messages' frames are kept within this many characters too (64 KiB messages: 4, not 256). */
    static final long RECENT_CHARS = 256 * 1024;
    static final int READ_RETRIES = 50;
    static final long READ_RETRY_MS = 300;
    /**
     * How long a hole may wait for its message before the history is read: this instance's writers finish their
     * exchanges out of seq order now and then (two pipelines in flight), and the missing one is then a moment away.
     */
    static final long HOLE_GRACE_MS = 25;

    private final String sessionId;
    private final MessageLog log;
    private final OutboundFrames frames;
    private final SerialTasks tasks;
    private final Delays delays;
    private final String instance;
    private final Pacing pacing;
    private final AtomicInteger joined = new AtomicInteger();
    private volatile boolean subscribed;

    // everything below is touched only by tasks
    private final List<Member> members = new ArrayList<>();
    /** Messages of {@link #epoch} by seq, as frames ready to send; holes are allowed. */
    private final RecentBySeq<Known> recent = new RecentBySeq<>();
    private long recentChars;
    /** The epoch of the session's history as far as the feed knows; null = no history. */
    private String epoch;
    private boolean interrupted;
    private boolean reading;
    private boolean readAgain;
    private boolean retryScheduled;
    private boolean holeCheckScheduled;
    private int failedReads;
    /**
     * Counts what the feed learned of epochs from elsewhere than a history read (live exchanges, members' places). A
     * read answered after such news may describe the history before it, so it decides nothing about epochs.
     */
    private long epochNews;

    /**
     * A message as frames ready to send: {@code frame} without a clientId for every member, and {@code ownFrame} with
     * it for the sockets of its author (null when it has no clientId), so no other client learns or can claim it.
     */
    private record Known(String frame, String ownFrame, String author, long number, long frameBytes,
                         long ownFrameBytes) {
        long chars() {
            return frame.length() + (ownFrame == null ? 0 : ownFrame.length());
        }

        private boolean isOwn(ChatConnection connection) {
            return ownFrame != null && author.equals(connection.author());
        }

        String frameFor(ChatConnection connection) {
            return isOwn(connection) ? ownFrame : frame;
        }

        long bytesFor(ChatConnection connection) {
            return isOwn(connection) ? ownFrameBytes : frameBytes;
        }
    }

    /** One connection in the feed: where it is in the session, once its place was read. */
    private static final class Member {
        final ChatConnection connection;
        final boolean placedWhileSubscribed;
        String epoch;
        long seq = UNKNOWN;
        /** Its place could not be read (Redis down): it takes the next message that comes as its start. */
        boolean placeFromNext;
        /** Its socket has no room: it gets nothing and needs no read until the socket drained. */
        boolean waiting;
        /** Counts its waits, so that a drain or a stall check of an earlier one is recognized. */
        int waits;

        Member(ChatConnection connection, boolean placedWhileSubscribed) {
            this.connection = connection;
            this.placedWhileSubscribed = placedWhileSubscribed;
        }
    }

    SessionFeed(String sessionId, MessageLog log, OutboundFrames frames, SerialTasks tasks, Delays delays,
                String instance, Pacing pacing) {
        this.sessionId = sessionId;
        this.log = log;
        this.frames = frames;
        this.tasks = tasks;
        this.delays = delays;
        this.instance = instance;
        this.pacing = pacing;
    }

    String sessionId() {
        return sessionId;
    }

    /** Counts a connection in; the registry does this under its lock, before {@link #join}. */
    void countIn() {
        joined.incrementAndGet();
    }

    /** @return how many connections remain */
    int countOut() {
        return joined.decrementAndGet();
    }

    /**
     * Adds the connection at the place the session has now (or its resume point): its place is read at once, and
     * its own writes start only after that, so whatever it sends is after its place and reaches it.
     */
    void join(ChatConnection connection, ResumePoint resume, SendLimits sendLimits) {
        var member = new Member(connection, subscribed);
        CompletionStage<Void> placed = log.read(sessionId,
                        resume == null ? HistoryQuery.metaOnly() : HistoryQuery.after(resume.since(), pacing.readBytes()))
                .handle((history, failure) -> {
                    tasks.execute(() -> place(member, resume, sendLimits, failure == null ? history : null));
                    return null;
                });
        connection.writesAfter(placed);
    }

    void leave(ChatConnection connection) {
        tasks.execute(() -> {
            members.removeIf(member -> member.connection == connection);
            if (members.isEmpty()) {
                forgetAll();
            }
        });
    }

    /** The subscription to the session's live exchanges is confirmed: read what was published before it. */
    void subscribed() {
        subscribed = true;
        tasks.execute(this::readHistory);
    }

    @Override
    public void onExchange(StoredExchange exchange) {
        tasks.execute(() -> accept(exchange));
    }

    /** An exchange this instance just stored: the writer's thread delivers it when the feed is idle. */
    void onStored(StoredExchange exchange) {
        tasks.executeHere(() -> accept(exchange));
    }

    @Override
    public void onUnreadable() {
        tasks.execute(this::readHistory);
    }

    @Override
    public void onInterrupted() {
        tasks.execute(() -> {
            interrupted = true;
            SyncFrame frame = SyncFrame.of(sessionId, "interrupted", false, epoch, topSeq());
            members.stream().filter(member -> member.seq != UNKNOWN).forEach(member -> send(member, frame));
        });
    }

    @Override
    public void onRestored() {
        tasks.execute(() -> {
            failedReads = 0;
            readHistory();
        });
    }

    private void place(Member member, ResumePoint resume, SendLimits sendLimits, SessionHistory history) {
        if (!member.connection.isOpen()) {
            return;
        }
        members.add(member);
        ChatConnection connection = member.connection;
        if (history == null) {
            member.placeFromNext = true;
            member.epoch = epoch;
            connection.sendConnected(frames.toJson(ConnectedFrame.persisted(sessionId, epoch,
                    recent.isEmpty() ? null : recent.lastKey(), resume == null ? null : Boolean.FALSE,
                    resume == null ? null : 0, sendLimits, instance, connection.connectionId(),
                    connection.subject())));
            return;
        }
        StreamPosition top = history.top();
        Boolean recovered = null;
        Integer replayed = null;
        long start = top.seq();
        if (resume != null) {
            recovered = Recovery.decide(resume, top, history.firstReturnedSeq()).recovered();
            // recovered: the first message after since is there, and trimming takes the oldest first, so every seq
            // up to the top follows; the member starts at since and goes through them page by page
            replayed = recovered ? (int) Math.min(Integer.MAX_VALUE, top.seq() - resume.since()) : 0;
            if (recovered) {
                start = resume.since();
            }
        }
        member.epoch = top.epoch();
        member.seq = start;
        connection.sendConnected(frames.toJson(ConnectedFrame.persisted(sessionId, top.epoch(), top.seq(), recovered,
                replayed, sendLimits, instance, connection.connectionId(), connection.subject())));
        if (epoch == null && recent.isEmpty() && top.epoch() != null) {
            epoch = top.epoch();
            epochNews++;
        }
        if (!Objects.equals(epoch, member.epoch)) {
            epochNews++;
        }
        boolean replaying = start < top.seq();
        if (replaying && epoch != null && Objects.equals(epoch, member.epoch)) {
            // the first page: what the member can take of it goes out now, the rest is read again as it drains
            for (ChatMessage message : history.messages()) {
                remember(message, history.clientTagOf(message), 0);
            }
        }
        deliver();
        if (!Objects.equals(epoch, member.epoch) || !member.placedWhileSubscribed
                || (replaying && !member.waiting && member.seq < top.seq() && !recent.containsKey(member.seq + 1))) {
            // this member or the feed knows an older history, or messages may have been published before the
            // subscription, or the replay goes on beyond the first page: the history decides
            readHistory();
        }
    }

    private void accept(StoredExchange exchange) {
        if (!Objects.equals(epoch, exchange.epoch())) {
            epochNews++;
            if (epoch != null || !recent.isEmpty()) {
                readHistory();
                return;
            }
            epoch = exchange.epoch();
        }
        for (Member member : members) {
            if (member.placeFromNext) {
                member.placeFromNext = false;
                member.epoch = epoch;
                member.seq = exchange.sent().seq() - 1;
            }
        }
        for (ChatMessage message : exchange.messages()) {
            remember(message, exchange.client(), message.isSent() ? 0 : exchange.number());
        }
        deliver();
    }

    private void remember(ChatMessage message, ClientTag client, long number) {
        if (recent.containsKey(message.seq())) {
            return;
        }
        String frame = frames.toJson(MessageFrame.stored(message, epoch, null, false));
        String ownFrame = client == null || client.author() == null ? null
                : frames.toJson(MessageFrame.stored(message, epoch, client.clientId(), false));
        Known known = new Known(frame, ownFrame, client == null ? null : client.author(), number, utf8Bytes(frame),
                ownFrame == null ? 0 : utf8Bytes(ownFrame));
        if (members.isEmpty()) {
            // the last member left: nobody to deliver to, nothing to keep
            return;
        }
        recent.put(message.seq(), known);
        recentChars += known.chars();
        pacing.shared().add(known.chars());
    }

    /**
     * Moves every member forward through the messages the feed holds, as far as its socket has room. A member that
     * lacks its next message while a later one is known needs the history.
     */
    private void deliver() {
        boolean missing = false;
        boolean hole = false;
        for (Member member : members) {
            if (member.seq == UNKNOWN || member.waiting) {
                continue;
            }
            if (!Objects.equals(member.epoch, epoch)) {
                if (member.epoch == null && member.seq == 0 && epoch != null) {
                    // it saw no history; this one began after its place, so it gets all of it
                    member.epoch = epoch;
                } else {
                    missing = true;
                    continue;
                }
            }
            Known next;
            while ((next = recent.get(member.seq + 1)) != null) {
                long bytes = next.bytesFor(member.connection);
                if (!member.connection.hasRoomFor(bytes)) {
                    waitForRoom(member, bytes);
                    break;
                }
                member.seq++;
                member.connection.send(next.frameFor(member.connection), bytes);
                if (next.number > 0) {
                    member.connection.observeStoredNumber(next.number);
                }
            }
            if (!member.waiting && recent.higherKey(member.seq) != null) {
                hole = true;
            }
        }
        while (recent.size() > RECENT_MESSAGES || (recentChars > RECENT_CHARS && recent.size() > 1)) {
            forgetOldest();
        }
        if (pacing.shared().over()) {
            // the instance keeps too many recent frames: this feed keeps only what a member still needs
            long passed = passedByAll();
            while (!recent.isEmpty() && recent.firstKey() <= passed) {
                forgetOldest();
            }
        }
        if (missing) {
            readHistory();
        } else if (hole) {
            checkHoleLater();
        }
    }

    /** A hole still there after {@link #HOLE_GRACE_MS} was not a late exchange of this instance: the history has it. */
    private void checkHoleLater() {
        if (holeCheckScheduled) {
            return;
        }
        holeCheckScheduled = true;
        delays.after(HOLE_GRACE_MS, () -> tasks.execute(() -> {
            holeCheckScheduled = false;
            for (Member member : members) {
                if (member.seq != UNKNOWN && !member.waiting && Objects.equals(member.epoch, epoch)
                        && !recent.containsKey(member.seq + 1) && recent.higherKey(member.seq) != null) {
                    readHistory();
                    return;
                }
            }
        }));
    }

    private void forgetOldest() {
        long chars = recent.pollFirst().chars();
        recentChars -= chars;
        pacing.shared().release(chars);
    }

    private void forgetAll() {
        pacing.shared().release(recentChars);
        recent.clear();
        recentChars = 0;
    }

    /** The seq every member of the current epoch has been sent (no member: all of them). */
    private long passedByAll() {
        long passed = Long.MAX_VALUE;
        for (Member member : members) {
            if (member.seq == UNKNOWN || member.placeFromNext) {
                return Long.MIN_VALUE;
            }
            if (Objects.equals(member.epoch, epoch)) {
                passed = Math.min(passed, member.seq);
            }
        }
        return passed;
    }

    /** Reads the history after the lowest place of a member, unless a read is on its way (then once more after). */
    private void readHistory() {
        if (reading) {
            readAgain = true;
            return;
        }
        long base = Long.MAX_VALUE;
        for (Member member : members) {
            if (member.seq != UNKNOWN && !member.waiting) {
                base = Math.min(base, Objects.equals(member.epoch, epoch) ? member.seq : 0);
            }
        }
        if (base == Long.MAX_VALUE) {
            return;
        }
        reading = true;
        readAgain = false;
        String readEpoch = epoch;
        long readBase = base;
        long newsBefore = epochNews;
        log.read(sessionId, HistoryQuery.after(base, pacing.readBytes())).whenComplete((history, failure) ->
                tasks.execute(() -> historyRead(readEpoch, readBase, newsBefore, history, failure)));
    }

    private void historyRead(String readEpoch, long base, long newsBefore, SessionHistory history,
                             Throwable failure) {
        reading = false;
        if (failure != null) {
            retryLater();
            return;
        }
        failedReads = 0;
        if (newsBefore != epochNews && !Objects.equals(epoch, history.epoch())) {
            // answered from before what the feed has learned since: ask again
            readHistory();
            return;
        }
        boolean complete = true;
        String current = history.epoch();
        if (!Objects.equals(epoch, current)) {
            epoch = current;
            forgetAll();
        }
        for (Member member : members) {
            if (member.seq == UNKNOWN || Objects.equals(member.epoch, current)) {
                continue;
            }
            if (member.epoch == null && member.seq == 0) {
                member.epoch = current;
                continue;
            }
            // the history this member was in is gone: it starts over in the one there is now
            send(member, SyncFrame.of(sessionId, "reset", false, current, history.lastSeq()));
            member.epoch = current;
            member.seq = 0;
            complete = false;
        }
        if (current != null && Objects.equals(readEpoch, current)) {
            for (ChatMessage message : history.messages()) {
                remember(message, history.clientTagOf(message), 0);
            }
            complete &= skipTrimmed(base, history);
            if (history.hasMore()) {
                // one read carries at most the store's byte budget: the members move through this page, then the
                // next read starts after the lowest of them
                readAgain = true;
            }
        } else if (current != null) {
            // read in another epoch: its messages are not the ones the members need
            readAgain = true;
        }
        if (interrupted && !readAgain) {
            interrupted = false;
            if (complete) {
                SyncFrame resumed = SyncFrame.of(sessionId, "resumed", true, epoch, history.lastSeq());
                members.stream().filter(member -> member.seq != UNKNOWN).forEach(member -> send(member, resumed));
            }
        }
        deliver();
        if (readAgain) {
            readHistory();
        }
    }

    /**
     * The history holds every retained message after {@code base} up to its last seq (up to the last one read, when
     * the read stopped at the byte budget): a member whose next message is not there while a later one is lost it
     * to trimming. Says it and moves the member past the hole.
     */
    private boolean skipTrimmed(long base, SessionHistory history) {
        boolean complete = true;
        long end = history.hasMore() && history.lastReturnedSeq() != null ? history.lastReturnedSeq()
                : history.lastSeq();
        for (Member member : members) {
            if (member.seq == UNKNOWN || member.seq < base || !Objects.equals(member.epoch, epoch)
                    || member.seq >= end || recent.containsKey(member.seq + 1)) {
                continue;
            }
            Map.Entry<Long, Known> later = recent.higherEntry(member.seq);
            long resumeAt = later == null ? end : later.getKey() - 1;
            send(member, SyncFrame.of(sessionId, "gap", false, epoch, history.lastSeq()));
            member.seq = resumeAt;
            complete = false;
        }
        return complete;
    }

    /**
     * The member's socket has no room for its next frame: it waits until the socket drained (the container's send
     * completion posts that here), or is closed if the socket finishes no send for the stall time.
     */
    private void waitForRoom(Member member, long bytes) {
        member.waiting = true;
        int wait = ++member.waits;
        member.connection.whenRoomFor(bytes, () -> tasks.execute(() -> drained(member, wait)));
        watchStall(member, wait, member.connection.completedSends());
    }

    private void watchStall(Member member, int wait, long sendsBefore) {
        delays.after(pacing.stalledMillis(), () -> tasks.execute(() -> {
            if (!member.waiting || member.waits != wait || !members.contains(member)) {
                return;
            }
            long sends = member.connection.completedSends();
            if (sends == sendsBefore) {
                member.connection.closeNotReading();
            } else {
                // slow, but it takes something: look again later
                watchStall(member, wait, sends);
            }
        }));
    }

    private void drained(Member member, int wait) {
        if (!member.waiting || member.waits != wait || !members.contains(member)) {
            return;
        }
        member.waiting = false;
        deliver();
        if (!member.waiting && Objects.equals(member.epoch, epoch) && !recent.containsKey(member.seq + 1)) {
            // what it needs next was dropped from the recent messages while it waited, or was never read
            readHistory();
        }
    }

    private static long utf8Bytes(String text) {
        return Utf8.length(text);
    }

    private void retryLater() {
        if (members.isEmpty() || retryScheduled || ++failedReads > READ_RETRIES) {
            return;
        }
        retryScheduled = true;
        delays.after(READ_RETRY_MS, () -> tasks.execute(() -> {
            retryScheduled = false;
            readHistory();
        }));
    }

    private long topSeq() {
        return recent.isEmpty() ? 0 : recent.lastKey();
    }

    private void send(Member member, SyncFrame frame) {
        member.connection.send(frames.toJson(frame));
    }
}
