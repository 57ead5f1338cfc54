package io.redischat.ui;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import io.redischat.testsupport.FreePorts;

/**
 * A TCP relay on a loopback port in front of the service, standing in for the network between a browser and the
 * server: {@link #cut()} drops every open connection (HTTP and WebSocket alike) and turns new ones away until
 * {@link #restore()}. What a phone's train going into a tunnel looks like to the page.
 */
final class DroppingProxy implements AutoCloseable {

    private final ServerSocket server;
    private final int targetPort;
    private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
    private final ExecutorService threads = Executors.newCachedThreadPool(runnable -> {
        Thread thread = new Thread(runnable, "dropping-proxy");
        thread.setDaemon(true);
        return thread;
    });
    private volatile boolean cut;

    private DroppingProxy(int targetPort) throws IOException {
        this.targetPort = targetPort;
        this.server = FreePorts.bound(50);
        threads.submit(this::acceptLoop);
    }

    /** A relay from a new loopback port to {@code 127.0.0.1:targetPort}. */
    static DroppingProxy to(int targetPort) {
        try {
            return new DroppingProxy(targetPort);
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    int port() {
        return server.getLocalPort();
    }

    /** Closes every relayed connection and refuses new ones. */
    void cut() {
        cut = true;
        sockets.forEach(DroppingProxy::closeQuietly);
        sockets.clear();
    }

    void restore() {
        cut = false;
    }

    @Override
    public void close() {
        cut();
        closeQuietly(server);
        threads.shutdownNow();
    }

    private void acceptLoop() {
        while (!server.isClosed()) {
            Socket client;
            try {
                client = server.accept();
            } catch (IOException e) {
                return; // closed
            }
            if (cut) {
                closeQuietly(client);
                continue;
            }
            try {
                Socket upstream = new Socket(InetAddress.getLoopbackAddress(), targetPort);
                sockets.add(client);
                sockets.add(upstream);
                threads.submit(() -> pump(client, upstream));
                threads.submit(() -> pump(upstream, client));
            } catch (IOException e) {
                closeQuietly(client);
            }
        }
    }

    private void pump(Socket from, Socket to) {
        byte[] buffer = new byte[16 * 1024];
        try (InputStream in = from.getInputStream()) {
            OutputStream out = to.getOutputStream();
            int read;
            while ((read = in.read(buffer)) >= 0) {
                out.write(buffer, 0, read);
                out.flush();
            }
        } catch (IOException ignored) {
            // one side went away: take the other down with it
        } finally {
            closeQuietly(from);
            closeQuietly(to);
            sockets.remove(from);
            sockets.remove(to);
        }
    }

    private static void closeQuietly(java.io.Closeable closeable) {
        try {
            closeable.close();
        } catch (IOException ignored) {
            // already closed
        }
    }
}
