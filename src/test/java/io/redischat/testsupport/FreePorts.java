package io.redischat.testsupport;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;

/** Loopback ports for the processes and relays a test starts: the one place that picks them. */
public final class FreePorts {

    private FreePorts() {
    }

    /** A port free on loopback now, for a process that binds it itself (redis-server, nginx, Payara Micro). */
    public static int pick() {
        try (ServerSocket socket = bound(1)) {
            return socket.getLocalPort();
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    /** A server socket already bound to a free loopback port, for a relay in the test JVM: no race for the port. */
    public static ServerSocket bound(int backlog) throws IOException {
        var socket = new ServerSocket();
        socket.setReuseAddress(true);
        socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), backlog);
        return socket;
    }
}
