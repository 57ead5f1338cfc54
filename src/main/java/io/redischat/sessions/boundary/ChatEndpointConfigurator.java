package io.redischat.sessions.boundary;

import jakarta.enterprise.inject.spi.CDI;
import jakarta.websocket.server.ServerEndpointConfig;

/**
 * Makes each socket's {@link ChatEndpoint} with a plain constructor call, handing it the application's
 * {@link SocketServices}. The container's default asks CDI for every instance (a new injection target, its events and
 * eight field injections per handshake).
 */
public class ChatEndpointConfigurator extends ServerEndpointConfig.Configurator {

    private volatile SocketServices services;

    @Override
    public <T> T getEndpointInstance(Class<T> endpointClass) throws InstantiationException {
        if (endpointClass != ChatEndpoint.class) {
            return super.getEndpointInstance(endpointClass);
        }
        SocketServices known = services;
        if (known == null) {
            // the application-scoped bean's client proxy: looked up once, valid for the deployment's life
            known = CDI.current().select(SocketServices.class).get();
            services = known;
        }
        return endpointClass.cast(new ChatEndpoint(known));
    }
}
