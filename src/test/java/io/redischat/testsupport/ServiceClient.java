package io.redischat.testsupport;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.URL;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;

import jakarta.json.Json;
import jakarta.json.JsonObject;

/**
 * Talks to a deployed redis-chat over the network: its REST API and its WebSocket, with the host set to loopback
 * (Arquillian hands out the machine's network address).
 */
public final class ServiceClient {

    public record JsonResponse(int status, String contentType, String body) {
        public JsonObject json() {
            try (var reader = Json.createReader(new StringReader(body))) {
                return reader.readObject();
            }
        }
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final URI base;

    private ServiceClient(URI base) {
        this.base = base;
    }

    /** {@code deployment} is the application's root, such as {@code http://10.0.0.5:8080/chat/}. */
    public static ServiceClient at(URL deployment) {
        String path = deployment.getPath().endsWith("/") ? deployment.getPath() : deployment.getPath() + "/";
        return new ServiceClient(URI.create("http://localhost:" + deployment.getPort() + path));
    }

    public static ServiceClient at(URI root) {
        return new ServiceClient(root);
    }

    public URI base() {
        return base;
    }

    public JsonResponse get(String path) {
        return get(path, Duration.ofSeconds(10));
    }

    public JsonResponse get(String path, Duration timeout) {
        var request = HttpRequest.newBuilder(base.resolve(path)).timeout(timeout).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            return new JsonResponse(response.statusCode(),
                    response.headers().firstValue("Content-Type").orElse(""), response.body());
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }

    /**
     * {@code ws://.../ws/{session}} with an optional query such as {@code redis_persistence=true}; returns once the
     * server's {@code connected} frame arrived (or the server closed the socket), so no message of the session is
     * missed from then on.
     */
    public ChatSocket socket(String sessionPath, String query) {
        return ChatSocket.connect(webSocketUri(sessionPath, query)).awaitConnected();
    }

    /** {@code ws://.../ws/{session}?query}. */
    public URI webSocketUri(String sessionPath, String query) {
        return URI.create("ws://" + base.getHost() + ":" + base.getPort() + base.getPath() + "ws/" + sessionPath
                + (query == null ? "" : "?" + query));
    }

    public ChatSocket persistentSocket(String session) {
        return socket(session, "redis_persistence=true");
    }
}
