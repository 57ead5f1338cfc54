package io.redischat.sessions.boundary;

import jakarta.websocket.server.ServerEndpoint;

/** The same endpoint at {@code /ws/{session_id}/}, because the guide's REST paths end in a slash and clients copy that. */
@ServerEndpoint("/ws/{session_id}/")
public class ChatEndpointWithTrailingSlash extends ChatEndpoint {
}
