package io.redischat.bench;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.LinkedHashMap;
import java.util.Map;

/** One Redis command over RESP on loopback, its reply read completely: for INFO, SCRIPT LOAD and FLUSHALL. */
final class RedisCli {

    private RedisCli() {
    }

    /** The reply of a command whose answer is a simple, error, integer or bulk string. */
    static String command(int port, String... args) {
        try (var socket = new Socket()) {
            socket.connect(new InetSocketAddress("127.0.0.1", port), 2000);
            socket.setSoTimeout(30_000);
            var request = new ByteArrayOutputStream();
            request.writeBytes(("*" + args.length + "\r\n").getBytes(StandardCharsets.UTF_8));
            for (String arg : args) {
                byte[] bytes = arg.getBytes(StandardCharsets.UTF_8);
                request.writeBytes(("$" + bytes.length + "\r\n").getBytes(StandardCharsets.UTF_8));
                request.writeBytes(bytes);
                request.writeBytes("\r\n".getBytes(StandardCharsets.UTF_8));
            }
            socket.getOutputStream().write(request.toByteArray());
            InputStream in = new BufferedInputStream(socket.getInputStream());
            String line = line(in);
            switch (line.charAt(0)) {
                case '+', ':' -> {
                    return line.substring(1);
                }
                case '-' -> throw new IllegalStateException("redis: " + line.substring(1));
                case '$' -> {
                    int length = Integer.parseInt(line.substring(1));
                    if (length < 0) {
                        return null;
                    }
                    byte[] body = in.readNBytes(length);
                    return new String(body, StandardCharsets.UTF_8);
                }
                default -> throw new IllegalStateException("unexpected reply " + line);
            }
        } catch (IOException e) {
            throw new IllegalStateException("redis on port " + port + " did not answer " + args[0], e);
        }
    }

    /** {@code INFO section} as field to value. */
    static Map<String, String> info(int port, String section) {
        var fields = new LinkedHashMap<String, String>();
        for (String line : command(port, "INFO", section).split("\r\n")) {
            int colon = line.indexOf(':');
            if (colon > 0 && !line.startsWith("#")) {
                fields.put(line.substring(0, colon), line.substring(colon + 1));
            }
        }
        return fields;
    }

    /** Calls per command so far, from {@code INFO commandstats} ({@code evalsha}, {@code xadd}, ...). */
    static Map<String, Long> commandCalls(int port) {
        var calls = new LinkedHashMap<String, Long>();
        info(port, "commandstats").forEach((name, value) -> {
            if (name.startsWith("cmdstat_")) {
                String count = value.substring("calls=".length(), value.indexOf(','));
                calls.put(name.substring("cmdstat_".length()), Long.parseLong(count));
            }
        });
        return calls;
    }

    private static String line(InputStream in) throws IOException {
        var line = new StringBuilder();
        int c;
        while ((c = in.read()) != -1 && c != '\r') {
            line.append((char) c);
        }
        in.read(); // \n
        if (line.length() == 0) {
            throw new IOException("connection closed");
        }
        return line.toString();
    }
}
