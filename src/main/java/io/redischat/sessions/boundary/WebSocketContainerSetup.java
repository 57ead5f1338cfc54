package io.redischat.sessions.boundary;

import jakarta.servlet.ServletContextEvent;
import jakarta.servlet.ServletContextListener;
import jakarta.servlet.annotation.WebListener;
import jakarta.websocket.server.ServerContainer;

/** Tunes the application's WebSocket container once, before the first handshake (see {@link IdleTimerBypass}). */
@WebListener
public class WebSocketContainerSetup implements ServletContextListener {

    @Override
    public void contextInitialized(ServletContextEvent event) {
        IdleTimerBypass.applyToContainer(event.getServletContext().getAttribute(ServerContainer.class.getName()));
    }
}
