package io.redischat.sessions.boundary;

import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.logging.Level;
import java.util.logging.Logger;

import jakarta.websocket.CloseReason;
import jakarta.websocket.CloseReason.CloseCodes;
import jakarta.websocket.OnClose;
import jakarta.websocket.OnError;
import jakarta.websocket.OnMessage;
import jakarta.websocket.OnOpen;
import jakarta.websocket.PongMessage;
import jakarta.websocket.Session;
import jakarta.websocket.server.PathParam;
import jakarta.websocket.server.ServerEndpoint;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.ops.control.LogText;
import io.redischat.security.boundary.ClientAddressFilter;
import io.redischat.security.control.AuthSettings;
import io.redischat.security.control.TokenRejectedException;
import io.redischat.security.control.TokenVerifier;
import io.redischat.security.entity.Caller;
import io.redischat.sessions.control.Authors;
import io.redischat.sessions.control.ChatConnection;
import io.redischat.sessions.control.ChatLimits;
import io.redischat.sessions.control.Utf8;
import io.redischat.sessions.control.ConnectionLimits;
import io.redischat.sessions.control.ConnectionWatch;
import io.redischat.sessions.control.InboundFrames;
import io.redischat.sessions.control.MessageIntake;
import io.redischat.sessions.control.OutboundFrames;
import io.redischat.sessions.control.SessionIds;
import io.redischat.sessions.entity.AuthRequiredFrame;
import io.redischat.sessions.entity.ClientIdentity;
import io.redischat.sessions.entity.ErrorCode;
import io.redischat.sessions.entity.HistoryQuery;
import io.redischat.sessions.entity.ResumePoint;

/**
 * {@code ws://host/chat/ws/{session_id}?redis_persistence=true[&author_secret=...][&n=...]}: one client in one chat
 * session. Translates WebSocket events into {@link MessageIntake} calls; the frames it sends are documented in the
 * README. With access control on, the socket is admitted once its token is: from the handshake's
 * {@code Authorization} header, or from its first frame.
 */
@ServerEndpoint(value = "/ws/{session_id}", configurator = ChatEndpointConfigurator.class)
public class ChatEndpoint {

    private static final Logger LOG = Logger.getLogger(ChatEndpoint.class.getName());

    private final ChatLimits limits;
    private final ConnectionLimits connections;
    private final ConnectionWatch watch;
    private final MessageIntake intake;
    private final ChatMetrics metrics;
    private final AuthSettings auth;
    private final TokenVerifier tokens;
    private final OutboundFrames frames;

    private ChatConnection connection;
    /** What the handshake asked for, while the socket still has to send its token. */
    private Handshake pending;

    /**
     * What a handshake asked for: the session, persistence, the resume point, the last {@code Message #N} the client
     * saw (unpersisted sessions continue after it), and who the client is.
     */
    private record Handshake(String sessionId, boolean persistence, ResumePoint resume, long lastNumber,
                             String author, String client) {
    }

    ChatEndpoint(SocketServices services) {
        this.limits = services.limits();
        this.connections = services.connections();
        this.watch = services.watch();
        this.intake = services.intake();
        this.metrics = services.metrics();
        this.auth = services.auth();
        this.tokens = services.tokens();
        this.frames = services.frames();
    }

    @OnOpen
    public void open(Session socket, @PathParam("session_id") String sessionId) {
        IdleTimerBypass.apply(socket);
        if (!SessionIds.isValid(sessionId)) {
            refuse(socket, CloseCodes.VIOLATED_POLICY, "invalid_session_id", "invalid session id: " + SessionIds.RULE);
            return;
        }
        Boolean persistence = persistenceRequested(socket);
        if (persistence == null) {
            refuse(socket, CloseCodes.VIOLATED_POLICY, "invalid_parameter", "redis_persistence must be true or false");
            return;
        }
        ResumePoint resume;
        long lastNumber;
        String author;
        try {
            resume = resumePoint(socket);
            lastNumber = lastNumber(first(socket, "n"));
            author = author(socket);
        } catch (IllegalArgumentException e) {
            refuse(socket, CloseCodes.VIOLATED_POLICY, "invalid_parameter", e.getMessage());
            return;
        }
        // the container closes with 1009 beyond this
        socket.setMaxTextMessageBufferSize(limits.maxMessageBytes);
        String client = first(socket, ClientAddressFilter.PARAMETER);
        var handshake = new Handshake(sessionId, persistence, resume, lastNumber, author,
                client == null ? "unknown" : client);
        if (!tokens.enabled()) {
            start(socket, handshake, null);
        } else if (socket.getUserPrincipal() instanceof Caller caller) {
            // the handshake's Authorization header, verified by WebSocketTokenFilter
            start(socket, handshake, caller);
        } else {
            awaitToken(socket, handshake);
        }
    }

    /**
     * No token in the handshake (a browser cannot send one): the first frame must bring it, in time. The socket holds
     * no slot until then; the handshake rate per address bounds how many may wait.
     */
    private void awaitToken(Session socket, Handshake handshake) {
        pending = handshake;
        socket.setMaxIdleTimeout(0);
        socket.getAsyncRemote().sendText(frames.toJson(AuthRequiredFrame.of(auth.frameTimeoutMs)));
        watch.after(auth.frameTimeoutMs, () -> {
            if (connection == null && socket.isOpen()) {
                refuse(socket, CloseCodes.VIOLATED_POLICY, "auth_timeout", "authentication required: send "
                        + "{\"type\":\"auth\",\"token\":...} within " + auth.frameTimeoutMs + " ms");
            }
        });
    }

    private void authenticate(Session socket, String frame) {
        Handshake handshake = pending;
        pending = null;
        Caller caller;
        try {
            String token = InboundFrames.authToken(frame);
            if (token == null) {
                refuse(socket, CloseCodes.VIOLATED_POLICY, "auth_required",
                        "authentication required: the first frame must be {\"type\":\"auth\",\"token\":...}");
                return;
            }
            caller = tokens.verify(token);
        } catch (InboundFrames.Rejected | TokenRejectedException e) {
            refuse(socket, CloseCodes.VIOLATED_POLICY, "auth_failed", e.getMessage());
            return;
        }
        start(socket, handshake, caller);
    }

    private void start(Session socket, Handshake handshake, Caller caller) {
        if (caller != null && !caller.allows(handshake.sessionId())) {
            LOG.info(() -> "ws refused reason=session_not_allowed session=" + handshake.sessionId() + " socket="
                    + socket.getId() + " client=" + handshake.client() + " subject=" + LogText.of(caller.subject()));
            refuse(socket, CloseCodes.VIOLATED_POLICY, "session_not_allowed", "this token does not allow this session");
            return;
        }
        var identity = new ClientIdentity(handshake.client(),
                caller != null ? Authors.ofSubject(caller.subject()) : handshake.author(),
                caller == null ? null : caller.subject());
        var opened = new ChatConnection(socket, handshake.sessionId(), identity, handshake.persistence(),
                limits.sendBufferBytes, connections.budget());
        String refusal = connections.admit(opened);
        if (refusal != null) {
            LOG.info(() -> "ws refused reason=" + refusal + " socket=" + socket.getId() + " " + opened.logText());
            closeNow(socket, CloseCodes.TRY_AGAIN_LATER, refusal);
            return;
        }
        connection = opened;
        if (!handshake.persistence()) {
            // with persistence N is the session's, in Redis; here it is what the client says it reached
            connection.continueNumberingAfter(handshake.lastNumber());
        }
        // no container idle timer (Tyrus re-arms it on every frame): the watch's pings find idle and dead sockets
        socket.setMaxIdleTimeout(0);
        if (caller != null) {
            watch.expireAt(connection, caller.validUntil());
        }
        intake.open(connection, handshake.resume());
        LOG.info(() -> "ws connect session=" + handshake.sessionId() + " socket=" + socket.getId() + " "
                + opened.logText() + " persistence=" + handshake.persistence());
    }

    /** A later token on an open socket: the same subject's, it keeps the socket open until its own expiry. */
    private void renew(String token) {
        if (!tokens.enabled()) {
            intake.reject(connection, ErrorCode.INVALID_MESSAGE, "access control is off: no token is needed", null);
            return;
        }
        try {
            Caller caller = tokens.verify(token);
            if (!caller.subject().equals(connection.subject())) {
                connection.close(CloseCodes.VIOLATED_POLICY, "a token of another subject: reconnect with it");
            } else if (!caller.allows(connection.sessionId())) {
                connection.close(CloseCodes.VIOLATED_POLICY, "this token does not allow this session");
            } else {
                watch.expireAt(connection, caller.validUntil());
            }
        } catch (TokenRejectedException e) {
            // the token the socket has stays valid until it expires
            intake.reject(connection, ErrorCode.INVALID_MESSAGE, e.getMessage(), null);
        }
    }

    @OnMessage
    public void pong(PongMessage pong) {
        if (connection != null) {
            connection.heard();
        }
    }

    @OnMessage
    public void message(Session socket, String frame) {
        if (connection == null) {
            if (pending != null) {
                authenticate(socket, frame);
            }
            return;
        }
        connection.heard();
        if (frame.length() > limits.maxMessageBytes / 4
                && Utf8.length(frame) > limits.maxMessageBytes) {
            metrics.rejected("too_big");
            connection.close(CloseCodes.TOO_BIG, "message larger than " + limits.maxMessageBytes + " bytes");
            return;
        }
        if (!connection.tryAcquireMessage(limits.maxMessagesPerSecond)) {
            metrics.rejected("rate_limited");
            // dropped unparsed; only its clientId is read, so the client knows which one to send again
            intake.reject(connection, ErrorCode.RATE_LIMITED,
                    "more than " + limits.maxMessagesPerSecond + " messages a second: this one was dropped, send it again",
                    InboundFrames.clientIdOf(frame));
            return;
        }
        try {
            String token = InboundFrames.authToken(frame);
            if (token != null) {
                renew(token);
                return;
            }
            intake.receive(connection, InboundFrames.parse(frame));
        } catch (InboundFrames.Rejected rejected) {
            metrics.rejected(rejected.code().wire());
            intake.reject(connection, rejected.code(), rejected.getMessage(), null);
        }
    }

    @OnClose
    public void close(CloseReason reason) {
        if (connection != null && watch.end(connection)) {
            LOG.info(() -> "ws disconnect session=" + connection.sessionId() + " socket=" + connection.id()
                    + " " + connection.logText() + " code=" + reason.getCloseCode().getCode());
        }
    }

    @OnError
    public void error(Session socket, Throwable failure) {
        // the container's MessageTooBigException (its class is not in the API): the client is closed with 1009
        if (failure.getClass().getSimpleName().contains("TooBig")) {
            metrics.rejected("too_big");
        }
        LOG.log(Level.FINE, "ws error socket=" + socket.getId(), failure);
        LOG.info(() -> "ws error session=" + LogText.of(socket.getPathParameters().get("session_id")) + " socket="
                + socket.getId() + (connection == null ? "" : " " + connection.logText())
                + " reason=" + failure.getClass().getSimpleName());
        if (connection != null && !socket.isOpen()) {
            watch.end(connection);
        }
    }

    /** true, false, or null when the parameter has a value that is neither. */
    static Boolean persistenceRequested(Session socket) {
        String requested = first(socket, "redis_persistence");
        if (requested == null) {
            return Boolean.FALSE;
        }
        String value = requested.trim().toLowerCase(java.util.Locale.ROOT);
        return switch (value) {
            case "true", "1", "yes", "on" -> Boolean.TRUE;
            case "false", "0", "no", "off", "" -> Boolean.FALSE;
            default -> null;
        };
    }

    /** {@code since} (the last seq the client saw) and {@code epoch} (where it saw it), or null on a first connect. */
    static ResumePoint resumePoint(Session socket) {
        String since = first(socket, "since");
        String epoch = first(socket, "epoch");
        if (since == null || since.isBlank()) {
            return null;
        }
        long seq;
        try {
            seq = Long.parseLong(since.trim());
        } catch (NumberFormatException e) {
            seq = -1;
        }
        if (seq < 0 || seq > HistoryQuery.MAX_SEQ) {
            throw new IllegalArgumentException("since must be a seq: a whole number from 0 to " + HistoryQuery.MAX_SEQ);
        }
        if (epoch != null && !epoch.matches("[A-Za-z0-9-]{1,64}")) {
            throw new IllegalArgumentException("epoch must be the epoch the server sent");
        }
        return new ResumePoint(seq, epoch == null || epoch.isEmpty() ? null : epoch);
    }

    /**
     * {@code n}: the last {@code Message #N} the client saw in this session (it keeps them; the server does not
     * without persistence), so an unpersisted socket numbers its replies from {@code n + 1}. 0 when absent.
     */
    static long lastNumber(String n) {
        if (n == null || n.isEmpty()) {
            return 0;
        }
        long number;
        try {
            number = Long.parseLong(n);
        } catch (NumberFormatException e) {
            number = -1;
        }
        if (number < 0 || number > HistoryQuery.MAX_SEQ) {
            throw new IllegalArgumentException("n must be the last Message #N seen: a whole number from 0 to "
                    + HistoryQuery.MAX_SEQ);
        }
        return number;
    }

    /**
     * The client's identity for its clientIds: from {@code author_secret}, which it keeps across reconnects; null
     * (this socket alone) without one.
     */
    static String author(Session socket) {
        String secret = first(socket, "author_secret");
        return secret == null || secret.isEmpty() ? null : Authors.ofSecret(secret);
    }

    private static String first(Session socket, String name) {
        List<String> values = socket.getRequestParameterMap().get(name);
        return values == null || values.isEmpty() ? null : values.get(0);
    }

    private void refuse(Session socket, CloseCodes code, String reason, String message) {
        metrics.rejected(reason);
        LOG.info(() -> "ws refused reason=" + reason + " socket=" + socket.getId() + " client="
                + first(socket, ClientAddressFilter.PARAMETER));
        closeNow(socket, code, message);
    }

    /**
     * Closes a socket refused in {@code @OnOpen} a moment later, on another thread: closing while the container is
     * still finishing the upgrade made Payara's Grizzly fail that request and, now and then, the next one.
     */
    private static void closeNow(Session socket, CloseCodes code, String reason) {
        CompletableFuture.delayedExecutor(20, TimeUnit.MILLISECONDS, ChatConnection.closers()).execute(() -> {
            try {
                socket.close(new CloseReason(code, reason));
            } catch (java.io.IOException | IllegalStateException e) {
                LOG.log(Level.FINE, "close failed", e);
            }
        });
    }
}
