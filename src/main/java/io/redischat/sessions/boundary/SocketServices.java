package io.redischat.sessions.boundary;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.inject.Inject;

import org.eclipse.microprofile.config.inject.ConfigProperties;

import io.redischat.ops.control.ChatMetrics;
import io.redischat.security.control.AuthSettings;
import io.redischat.security.control.TokenVerifier;
import io.redischat.sessions.control.ChatLimits;
import io.redischat.sessions.control.ConnectionLimits;
import io.redischat.sessions.control.ConnectionWatch;
import io.redischat.sessions.control.MessageIntake;
import io.redischat.sessions.control.OutboundFrames;

/**
 * What every {@link ChatEndpoint} works with, injected once for the application instead of once per socket: the
 * container made each endpoint instance through CDI, with a new injection target and two freshly read settings objects
 * per handshake, a fifth of a handshake's CPU (see {@link ChatEndpointConfigurator}).
 */
@ApplicationScoped
public class SocketServices {

    @Inject
    @ConfigProperties
    ChatLimits limits;

    @Inject
    ConnectionLimits connections;

    @Inject
    ConnectionWatch watch;

    @Inject
    MessageIntake intake;

    @Inject
    ChatMetrics metrics;

    @Inject
    @ConfigProperties
    AuthSettings auth;

    @Inject
    TokenVerifier tokens;

    @Inject
    OutboundFrames frames;

    // accessors, not fields, for callers: they hold the bean's client proxy, whose own fields are empty

    public ChatLimits limits() {
        return limits;
    }

    public ConnectionLimits connections() {
        return connections;
    }

    public ConnectionWatch watch() {
        return watch;
    }

    public MessageIntake intake() {
        return intake;
    }

    public ChatMetrics metrics() {
        return metrics;
    }

    public AuthSettings auth() {
        return auth;
    }

    public TokenVerifier tokens() {
        return tokens;
    }

    public OutboundFrames frames() {
        return frames;
    }
}
