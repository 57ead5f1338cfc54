package io.redischat.api.boundary;

import java.util.Map;

import jakarta.ws.rs.ApplicationPath;
import jakarta.ws.rs.core.Application;

/**
 * The REST API lives under {@code /chat/api}. Jersey's generated WADL ({@code application.wadl}, and the body of
 * every OPTIONS answer) is off: it describes the API to anyone who asks and names the Jersey build.
 */
@ApplicationPath("api")
public class ChatApi extends Application {

    @Override
    public Map<String, Object> getProperties() {
        return Map.of("jersey.config.server.wadl.disableWadl", true);
    }
}
