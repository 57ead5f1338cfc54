package io.redischat.api.boundary;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/** The REST API lives under {@code /chat/api}. */
@ApplicationPath("api")
public class ChatApi extends Application {
}
