package io.redischat.bench;

import java.net.URI;

/** Where load goes: the chat service (WebSocket and REST) or the bench's own echo server (WebSocket only). */
interface Endpoint {

    URI socket(String sessionId, boolean persistence);

    /** The REST root ({@code .../chat/}), or null when there is none to check. */
    URI rest();

    String name();

    static Endpoint chat(URI root) {
        return new Endpoint() {
            @Override
            public URI socket(String sessionId, boolean persistence) {
                return URI.create("ws://" + root.getHost() + ":" + root.getPort() + root.getPath() + "ws/" + sessionId
                        + "?redis_persistence=" + persistence);
            }

            @Override
            public URI rest() {
                return root;
            }

            @Override
            public String name() {
                return "chat";
            }
        };
    }
}
