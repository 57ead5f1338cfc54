package io.redischat.bench;

import java.io.IOException;
import java.io.StringReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.JsonValue;

/**
 * After a persisted run: does the REST API hold exactly what was acknowledged? Every message a socket got its
 * {@code persisted:true} reply for must be at its seq with its text, and its reply right after; a stored user
 * message no socket saw acknowledged is counted too (it should only be one the run stopped waiting for).
 */
final class HistoryCheck {

    record Outcome(long acknowledged, long missing, long unacknowledged) {
    }

    private static final HttpClient HTTP = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
            .connectTimeout(Duration.ofSeconds(5)).build();

    private final URI root;

    HistoryCheck(URI root) {
        this.root = root;
    }

    Outcome verify(List<LoadConnection> connections, int payload) {
        long acknowledged = 0;
        long missing = 0;
        long unacknowledged = 0;
        Map<String, List<LoadConnection>> sessions = connections.stream()
                .collect(Collectors.groupingBy(c -> c.sessionId));
        for (var session : sessions.entrySet()) {
            Map<Long, JsonObject> stored = history(session.getKey());
            long matched = 0;
            for (LoadConnection connection : session.getValue()) {
                long[] acks = connection.acks();
                for (int i = 0; i < acks.length; i += 2) {
                    acknowledged++;
                    long replySeq = acks[i];
                    String content = LoadConnection.content(connection.index, acks[i + 1], payload);
                    JsonObject user = stored.get(replySeq - 1);
                    JsonObject reply = stored.get(replySeq);
                    if (user != null && user.getBoolean("isSent") && content.equals(user.getString("content"))
                            && reply != null && !reply.getBoolean("isSent")
                            && reply.getString("content").startsWith("Message #")
                            && reply.getString("content").endsWith(": " + content)) {
                        matched++;
                    } else {
                        missing++;
                    }
                }
            }
            long users = stored.values().stream().filter(m -> m.getBoolean("isSent")).count();
            unacknowledged += users - matched;
        }
        return new Outcome(acknowledged, missing, unacknowledged);
    }

    /** Every retained message of a session by seq, paging forward with {@code since} and {@code next_since}. */
    Map<Long, JsonObject> history(String session) {
        var messages = new HashMap<Long, JsonObject>();
        long since = 0;
        while (true) {
            JsonObject page = get("api/sessions/" + session + "/messages/?limit=10000&since=" + since);
            for (JsonValue value : page.getJsonArray("messages")) {
                JsonObject message = value.asJsonObject();
                messages.put(message.getJsonNumber("seq").longValue(), message);
            }
            if (!page.getBoolean("has_more", false)) {
                return messages;
            }
            since = page.getJsonNumber("next_since").longValue();
        }
    }

    JsonObject get(String path) {
        var request = HttpRequest.newBuilder(root.resolve(path)).timeout(Duration.ofSeconds(30)).GET().build();
        try {
            HttpResponse<String> response = HTTP.send(request, HttpResponse.BodyHandlers.ofString());
            if (response.statusCode() != 200) {
                throw new IllegalStateException("GET " + path + ": " + response.statusCode() + " " + response.body());
            }
            try (var reader = Json.createReader(new StringReader(response.body()))) {
                return reader.readObject();
            }
        } catch (IOException e) {
            throw new IllegalStateException("GET " + path + " failed", e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
