package io.redischat.testsupport;

import java.net.URI;

/**
 * The built WAR running on an application server the test started (WildFly, Payara Server, Payara Micro 7): where
 * the service, its health and its metrics answer, and the server's own log; closing it stops the server.
 */
public interface DeployedServer extends AutoCloseable {

    /** What runs it, with its version: {@code WildFly 39.0.1.Final}. */
    String name();

    /** The application's root, {@code http://127.0.0.1:P/chat/}. */
    URI root();

    /** Where MicroProfile Health answers: {@code .../health/} (on WildFly its management interface). */
    URI health();

    /** Where the server publishes Prometheus text: {@code .../metrics} (on WildFly its management interface). */
    URI metrics();

    String log();

    default ServiceClient client() {
        return ServiceClient.at(root());
    }

    @Override
    void close();
}
