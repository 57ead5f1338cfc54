package io.redischat.sessions.control;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeMap;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicInteger;

import io.redischat.sessions.entity.ChatMessage;
import io.redischat.sessions.entity.ClientTag;
import io.redischat.sessions.entity.ConnectedFrame;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.MessageFrame;
import io.redischat.sessions.entity.ResumePoint;
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
 */
final class SessionFeed implements LiveExchanges.Listener {

    /** Runs a task later: a scheduler in production, a fake clock in tests. */
    interface Delays {
        void after(long millis, Runnable task);
    }

    static final long UNKNOWN = -1;
    static final int RECENT_MESSAGES = 256;
    /** The recent messages' frames are kept within this many characters too (64 KiB messages: 4, not 256). */
    static final long RECENT_CHARS = 256 * 1024;
    static final int READ_RETRIES = 50;
    static final long READ_RETRY_MS = 300;

    private final String sessionId;
    private final MessageLog log;
    private final OutboundFrames frames;
    private final Executor tasks;
    private final Delays delays;
    private final String instance;
    private final AtomicInteger joined = new AtomicInteger();
    private volatile boolean subscribed;

    // everything below is touched only by tasks
    private final List<Member> members = new ArrayList<>();
    /** Messages of {@link #epoch} by seq, as frames ready to send; holes are allowed. */
    private final TreeMap<Long, Known> recent = new TreeMap<>();
    private long recentChars;
    /** The epoch of the session's history as far as the feed knows; null = no history. */
    private String epoch;
    private boolean interrupted;
    private boolean reading;
    private boolean readAgain;
    private boolean retryScheduled;
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
    private record Known(String frame, String ownFrame, String author, long number) {
        long chars() {
            return frame.length() + (ownFrame == null ? 0 : ownFrame.length());
        }

        String frameFor(ChatConnection connection) {
            return ownFrame != null && author.equals(connection.author()) ? ownFrame : frame;
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

        Member(ChatConnection connection, boolean placedWhileSubscribed) {
            this.connection = connection;
            this.placedWhileSubscribed = placedWhileSubscribed;
        }
    }

    SessionFeed(String sessionId, MessageLog log, OutboundFrames frames, Executor tasks, Delays delays,
                String instance) {
        this.sessionId = sessionId;
        this.log = log;
        this.frames = frames;
        this.tasks = tasks;
        this.delays = delays;
        this.instance = instance;
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
    void join(ChatConnection connection, ResumePoint resume, int maxMessageBytes) {
        var member = new Member(connection, subscribed);
        CompletionStage<Void> placed = log.read(sessionId,
                        resume == null ? HistoryQuery.metaOnly() : HistoryQuery.after(resume.since()))
                .handle((history, failure) -> {
                    tasks.execute(() -> place(member, resume, maxMessageBytes, failure == null ? history : null));
                    return null;
                });
        connection.writesAfter(placed);
    }

    void leave(ChatConnection connection) {
        tasks.execute(() -> members.removeIf(member -> member.connection == connection));
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

    private void place(Member member, ResumePoint resume, int maxMessageBytes, SessionHistory history) {
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
                    resume == null ? null : 0, maxMessageBytes, instance, connection.connectionId(),
                    connection.subject())));
            return;
        }
        StreamPosition top = history.top();
        List<ChatMessage> replay = List.of();
        Boolean recovered = null;
        if (resume != null) {
            Long first = history.messages().isEmpty() ? null : history.messages().get(0).seq();
            // more missed than one read may carry (the store's byte budget): not replayed at once, the client pages
            // through the REST API as it does for any unrecovered resume
            recovered = !history.hasMore() && Recovery.decide(resume, top, first).recovered();
            if (recovered) {
                replay = history.messages();
            }
        }
        member.epoch = top.epoch();
        member.seq = top.seq();
        connection.sendConnected(frames.toJson(ConnectedFrame.persisted(sessionId, top.epoch(), top.seq(), recovered,
                resume == null ? null : replay.size(), maxMessageBytes, instance, connection.connectionId(),
                    connection.subject())));
        for (ChatMessage message : replay) {
            ClientTag client = history.clientTagOf(message);
            connection.send(frames.toJson(MessageFrame.stored(message, top.epoch(),
                    client != null && client.belongsTo(connection.author()) ? client.clientId() : null, false)));
        }
        if (epoch == null && recent.isEmpty() && top.epoch() != null) {
            epoch = top.epoch();
            epochNews++;
        }
        if (!Objects.equals(epoch, member.epoch)) {
            epochNews++;
        }
        if (!Objects.equals(epoch, member.epoch) || !member.placedWhileSubscribed) {
            // either this member or the feed knows an older history, or messages may have been published before the
            // subscription: the history decides
            readHistory();
        }
        deliver();
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
        Known known = new Known(frames.toJson(MessageFrame.stored(message, epoch, null, false)),
                client == null || client.author() == null ? null
                        : frames.toJson(MessageFrame.stored(message, epoch, client.clientId(), false)),
                client == null ? null : client.author(), number);
        recent.put(message.seq(), known);
        recentChars += known.chars();
    }

    /**
     * Moves every member forward through the messages the feed holds. A member that lacks its next message while a
     * later one is known needs the history.
     */
    private void deliver() {
        boolean missing = false;
        for (Member member : members) {
            if (member.seq == UNKNOWN) {
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
                member.seq++;
                member.connection.send(next.frameFor(member.connection));
                if (next.number > 0) {
                    member.connection.observeStoredNumber(next.number);
                }
            }
            if (recent.higherKey(member.seq) != null) {
                missing = true;
            }
        }
        while (recent.size() > RECENT_MESSAGES || (recentChars > RECENT_CHARS && recent.size() > 1)) {
            recentChars -= recent.pollFirstEntry().getValue().chars();
        }
        if (missing) {
            readHistory();
        }
    }

    /** Reads the history after the lowest place of a member, unless a read is on its way (then once more after). */
    private void readHistory() {
        if (reading) {
            readAgain = true;
            return;
        }
        long base = Long.MAX_VALUE;
        for (Member member : members) {
            if (member.seq != UNKNOWN) {
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
        log.read(sessionId, HistoryQuery.after(base)).whenComplete((history, failure) ->
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
            recent.clear();
            recentChars = 0;
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
