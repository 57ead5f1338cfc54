package io.redischat.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Random;

/**
 * A WebSocket client that writes frames byte by byte, for what well-behaved clients cannot send: text frames with
 * invalid UTF-8, unmasked or reserved-bit frames. Returns the close code the server answers with. It reads the network
 * only when asked, so it is also the client that stops reading: nothing of a client library reads on its behalf.
 */
public final class RawWebSocket implements AutoCloseable {

    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    public RawWebSocket(int port, String path) throws IOException {
        this(port, path, 0);
    }

    /** As {@link #RawWebSocket(int, String)}, with the kernel's receive buffer set to {@code receiveBuffer} bytes. */
    public RawWebSocket(int port, String path, int receiveBuffer) throws IOException {
        socket = new Socket();
        if (receiveBuffer > 0) {
            socket.setReceiveBufferSize(receiveBuffer);
        }
        socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
        socket.setSoTimeout(10_000);
        in = socket.getInputStream();
        out = socket.getOutputStream();
        String key = Base64.getEncoder().encodeToString("0123456789abcdef".getBytes(StandardCharsets.US_ASCII));
        out.write(("GET " + path + " HTTP/1.1\r\nHost: 127.0.0.1:" + port + "\r\nUpgrade: websocket\r\n"
                + "Connection: Upgrade\r\nSec-WebSocket-Key: " + key + "\r\nSec-WebSocket-Version: 13\r\n\r\n")
                .getBytes(StandardCharsets.US_ASCII));
        out.flush();
        String response = readHeaders();
        if (!response.startsWith("HTTP/1.1 101")) {
            throw new IOException("handshake refused: " + response);
        }
    }

    /** Sends one masked frame with the given first byte (FIN, RSV and opcode) and payload. */
    public void sendFrame(int firstByte, byte[] payload) throws IOException {
        byte[] mask = new byte[4];
        new Random().nextBytes(mask);
        out.write(firstByte);
        if (payload.length < 126) {
            out.write(0x80 | payload.length);
        } else {
            out.write(0x80 | 126);
            out.write(payload.length >> 8);
            out.write(payload.length & 0xff);
        }
        out.write(mask);
        byte[] masked = payload.clone();
        for (int i = 0; i < masked.length; i++) {
            masked[i] ^= mask[i % 4];
        }
        out.write(masked);
        out.flush();
    }

    /**
     * Reads frames until a close frame and returns its code; -1 if the connection ended without one, 0 if the server
     * kept the connection open for 3 s (it accepted or ignored the frame).
     */
    public int awaitCloseCode() throws IOException {
        try {
            Message message;
            while ((message = nextMessage(Duration.ofSeconds(3))) != null) {
                if (message.isClose()) {
                    return message.closeCode();
                }
            }
            return -1;
        } catch (SocketTimeoutException stillOpen) {
            return 0;
        }
    }

    /** A message the server sent: a whole text message, or a close frame with its code. */
    public record Message(String text, int closeCode) {
        public boolean isClose() {
            return text == null;
        }
    }

    /**
     * The server's next text message or close frame, skipping pings; null if the connection ended without a close
     * frame. Throws {@link SocketTimeoutException} if nothing completes a message within {@code timeout}.
     */
    public Message nextMessage(Duration timeout) throws IOException {
        socket.setSoTimeout((int) timeout.toMillis());
        var text = new java.io.ByteArrayOutputStream();
        while (true) {
            int first = in.read();
            if (first < 0) {
                return null;
            }
            byte[] payload = in.readNBytes((int) readLength());
            int opcode = first & 0x0f;
            if (opcode == 0x8) {
                return new Message(null,
                        payload.length >= 2 ? ((payload[0] & 0xff) << 8) | (payload[1] & 0xff) : 1005);
            }
            if (opcode == 0x1 || opcode == 0x0) {
                text.writeBytes(payload);
                if ((first & 0x80) != 0) {
                    return new Message(text.toString(StandardCharsets.UTF_8), 0);
                }
            }
        }
    }

    private long readLength() throws IOException {
        long length = in.read() & 0x7f;
        if (length == 126) {
            length = (in.read() << 8) | in.read();
        } else if (length == 127) {
            length = 0;
            for (int i = 0; i < 8; i++) {
                length = (length << 8) | in.read();
            }
        }
        return length;
    }

    private String readHeaders() throws IOException {
        var headers = new StringBuilder();
        while (!headers.toString().endsWith("\r\n\r\n")) {
            int b = in.read();
            if (b < 0) {
                break;
            }
            headers.append((char) b);
        }
        return headers.toString();
    }

    @Override
    public void close() throws IOException {
        socket.close();
    }
}
