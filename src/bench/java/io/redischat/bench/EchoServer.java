package io.redischat.bench;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Base64;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;

import io.redischat.testsupport.FreePorts;

/**
 * The least a server can do for the load generator: a WebSocket server on loopback (plain JDK sockets, a thread per
 * connection) that answers like the chat without persistence (a {@code connected} frame, then for each message its
 * user frame and a {@code Message #N} reply) and does nothing else. Its rate is what the generator can drive on this
 * machine: the ceiling of every other figure.
 */
final class EchoServer implements AutoCloseable {

    private static final String GUID = "258EAFA5-E914-47DA-95CA-C5AB0DC85B11";

    private final ServerSocket server;
    private final ExecutorService threads = Executors.newCachedThreadPool(RoundTrips.daemon("bench-echo"));
    private final AtomicLong connections = new AtomicLong();

    EchoServer() throws IOException {
        server = FreePorts.bound(1024);
        threads.execute(this::accept);
    }

    Endpoint endpoint() {
        int port = server.getLocalPort();
        return new Endpoint() {
            @Override
            public URI socket(String sessionId, boolean persistence) {
                return URI.create("ws://127.0.0.1:" + port + "/echo/" + sessionId);
            }

            @Override
            public URI rest() {
                return null;
            }

            @Override
            public String name() {
                return "echo";
            }
        };
    }

    private void accept() {
        while (!server.isClosed()) {
            try {
                Socket socket = server.accept();
                threads.execute(() -> serve(socket));
            } catch (IOException closed) {
                return;
            }
        }
    }

    private void serve(Socket socket) {
        String id = "e" + connections.incrementAndGet();
        try (socket) {
            socket.setTcpNoDelay(true);
            InputStream in = new BufferedInputStream(socket.getInputStream(), 65536);
            OutputStream out = new BufferedOutputStream(socket.getOutputStream(), 65536);
            if (!handshake(in, out)) {
                return;
            }
            frame(out, 0x1, "{\"type\":\"connected\",\"connectionId\":\"" + id + "\",\"persistence\":false}");
            out.flush();
            long n = 0;
            var message = new java.io.ByteArrayOutputStream();
            while (true) {
                int first = in.read();
                int second = in.read();
                if (first < 0 || second < 0) {
                    return;
                }
                int opcode = first & 0x0F;
                long length = second & 0x7F;
                if (length == 126) {
                    length = (in.read() << 8) | in.read();
                } else if (length == 127) {
                    length = 0;
                    for (int i = 0; i < 8; i++) {
                        length = (length << 8) | in.read();
                    }
                }
                byte[] mask = (second & 0x80) != 0 ? in.readNBytes(4) : null;
                byte[] payload = in.readNBytes((int) length);
                if (mask != null) {
                    for (int i = 0; i < payload.length; i++) {
                        payload[i] ^= mask[i & 3];
                    }
                }
                if (opcode == 0x8) {
                    frame(out, 0x8, payload);
                    out.flush();
                    return;
                } else if (opcode == 0x9) {
                    frame(out, 0xA, payload);
                    out.flush();
                    continue;
                } else if (opcode != 0x1 && opcode != 0x0) {
                    continue;
                }
                message.writeBytes(payload);
                if ((first & 0x80) == 0) {
                    continue;
                }
                String content = message.toString(StandardCharsets.UTF_8).replace("\\", "\\\\").replace("\"", "\\\"");
                message.reset();
                n++;
                long now = System.currentTimeMillis();
                frame(out, 0x1, "{\"type\":\"message\",\"content\":\"" + content + "\",\"timestamp\":" + now
                        + ",\"isSent\":true,\"from\":\"" + id + "\",\"persisted\":false}");
                frame(out, 0x1, "{\"type\":\"message\",\"content\":\"Message #" + n + ": " + content
                        + "\",\"timestamp\":" + now + ",\"isSent\":false,\"from\":\"" + id + "\",\"persisted\":false}");
                if (in.available() == 0) {
                    out.flush();
                }
            }
        } catch (IOException gone) {
            // the client went away
        }
    }

    private static boolean handshake(InputStream in, OutputStream out) throws IOException {
        var headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int c = in.read();
            if (c < 0) {
                return false;
            }
            headers.append((char) c);
        }
        String key = null;
        for (String line : headers.toString().split("\r\n")) {
            if (line.toLowerCase(java.util.Locale.ROOT).startsWith("sec-websocket-key:")) {
                key = line.substring(line.indexOf(':') + 1).trim();
            }
        }
        if (key == null) {
            out.write("HTTP/1.1 400 Bad Request\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
            out.flush();
            return false;
        }
        String accept;
        try {
            accept = Base64.getEncoder().encodeToString(MessageDigest.getInstance("SHA-1")
                    .digest((key + GUID).getBytes(StandardCharsets.US_ASCII)));
        } catch (NoSuchAlgorithmException e) {
            throw new IllegalStateException(e);
        }
        out.write(("HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                + "Sec-WebSocket-Accept: " + accept + "\r\n\r\n").getBytes(StandardCharsets.US_ASCII));
        return true;
    }

    private static void frame(OutputStream out, int opcode, String text) throws IOException {
        frame(out, opcode, text.getBytes(StandardCharsets.UTF_8));
    }

    private static void frame(OutputStream out, int opcode, byte[] payload) throws IOException {
        out.write(0x80 | opcode);
        if (payload.length < 126) {
            out.write(payload.length);
        } else if (payload.length < 65536) {
            out.write(126);
            out.write(payload.length >>> 8);
            out.write(payload.length & 0xFF);
        } else {
            out.write(127);
            for (int shift = 56; shift >= 0; shift -= 8) {
                out.write((int) ((long) payload.length >>> shift) & 0xFF);
            }
        }
        out.write(payload);
    }

    @Override
    public void close() throws IOException {
        server.close();
        threads.shutdownNow();
    }
}
