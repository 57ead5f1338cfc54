package io.redischat.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.reflect.Method;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Stream;

import jakarta.ws.rs.HttpMethod;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.redischat.testsupport.ChatSocket;
import io.redischat.testsupport.DocumentSchemas;
import io.redischat.testsupport.PayaraMicroProcess;
import io.redischat.testsupport.RedisServerProcess;

/**
 * The OpenAPI document the running WAR serves at {@code /openapi} against the same WAR's real answers: every
 * documented operation is called (with a real session made over a WebSocket, and the admin token), each answer's
 * body is validated against the schema the document gives for its status, every documented operation must have been
 * seen succeeding, and every JAX-RS resource method of the code must be in the document (and nothing else).
 */
class ApiDocumentsIT {

    static final String TOKEN = "docs-admin-token-" + System.nanoTime();
    static final HttpClient HTTP = HttpClient.newHttpClient();

    static RedisServerProcess redis;
    static PayaraMicroProcess app;
    static DocumentSchemas openapi;

    /** "GET /api/redis/status 200": what was checked, to tell which documented operations were never seen. */
    static final Set<String> checked = new TreeSet<>();

    @BeforeAll
    static void start() {
        redis = RedisServerProcess.start();
        app = PayaraMicroProcess.start(Map.of("CHANNEL_REDIS_URL", redis.url(), "CHAT_ADMIN_TOKEN", TOKEN));
        var answer = send("GET", URI.create("http://localhost:" + app.port() + "/openapi?format=JSON"), null, null,
                "application/json");
        assertEquals(200, answer.status(), answer.body());
        openapi = new DocumentSchemas(DocumentSchemas.readJson(answer.body()));
    }

    @AfterAll
    static void stop() {
        if (app != null) {
            app.close();
        }
        if (redis != null) {
            redis.close();
        }
    }

    record Answer(int status, String contentType, String body) {
        JsonNode json() {
            return DocumentSchemas.readJson(body);
        }
    }

    @Test
    void everyDocumentedOperationAnswersAsDocumented() {
        String session = "docs-" + System.nanoTime();
        try (ChatSocket socket = app.client().socket(session, "redis_persistence=true")) {
            for (int i = 1; i <= 2; i++) {
                socket.send("hello " + i);
                socket.nextJson(2);
            }
        }
        String messages = "/api/sessions/{session_id}/messages";
        check("GET", messages, "api/sessions/" + session + "/messages/", null, null, 200);
        JsonNode page = check("GET", messages, "api/sessions/" + session + "/messages?limit=1", null, null, 200);
        assertTrue(page.get("has_more").asBoolean() && page.has("next_before"), page.toString());
        page = check("GET", messages, "api/sessions/" + session + "/messages?since=0&limit=1", null, null, 200);
        assertTrue(page.has("next_since"), page.toString());
        page = check("GET", messages, "api/sessions/never-" + session + "/messages/", null, null, 200);
        assertEquals("never_persisted", page.get("empty_reason").asString());
        check("GET", messages, "api/sessions/" + session + "/messages/?limit=0", null, null, 400);
        check("GET", messages, "api/sessions/" + session + "/messages/?since=1&before=2", null, null, 400);

        check("GET", "/api/redis/status", "api/redis/status/", null, null, 200);

        String sessions = "/api/admin/sessions";
        JsonNode list = check("GET", sessions, "api/admin/sessions", TOKEN, null, 200);
        assertTrue(list.get("count").asInt() >= 1, list.toString());
        check("GET", sessions, "api/admin/sessions?limit=5000", TOKEN, null, 400);
        check("GET", sessions, "api/admin/sessions", "wrong", null, 401);

        String one = "/api/admin/sessions/{session_id}";
        check("GET", one, "api/admin/sessions/" + session, TOKEN, null, 200);
        check("GET", one, "api/admin/sessions/none-" + session, TOKEN, null, 404);
        check("GET", one, "api/admin/sessions/bad%21id", TOKEN, null, 400);
        check("GET", one, "api/admin/sessions/" + session, null, null, 401);

        String ttl = "/api/admin/sessions/{session_id}/ttl";
        check("PUT", ttl, "api/admin/sessions/" + session + "/ttl", TOKEN, "{\"ttl_seconds\":600}", 200);
        check("PUT", ttl, "api/admin/sessions/" + session + "/ttl", TOKEN, "{\"ttl_seconds\":0}", 400);
        check("PUT", ttl, "api/admin/sessions/none-" + session + "/ttl", TOKEN, "{\"ttl_seconds\":60}", 404);

        Answer export = call("GET", "api/admin/export?session=" + session, TOKEN, null);
        checkNdjson("/api/admin/export", export);
        checkNdjson("/api/admin/export", call("GET", "api/admin/export", TOKEN, null));
        check("GET", "/api/admin/export", "api/admin/export?session=none-" + session, TOKEN, null, 404);
        check("GET", "/api/admin/export", "api/admin/export?session=bad%21id", TOKEN, null, 400);

        check("POST", "/api/admin/import", "api/admin/import", TOKEN, export.body(), 200);
        JsonNode refused = check("POST", "/api/admin/import", "api/admin/import", TOKEN, "{not json\n", 400);
        assertEquals(1, refused.get("line").asInt(), refused.toString());

        check("DELETE", one, "api/admin/sessions/" + session, TOKEN, null, 200);
        check("DELETE", one, "api/admin/sessions/" + session, TOKEN, null, 404);
        page = check("GET", messages, "api/sessions/" + session + "/messages/", null, null, 200);
        assertEquals("deleted", page.get("empty_reason").asString());

        List<String> unseen = new ArrayList<>();
        operations().forEach(operation -> {
            if (checked.stream().noneMatch(c -> c.startsWith(operation + " 2"))) {
                unseen.add(operation);
            }
        });
        assertEquals(List.of(), unseen, "documented operations this test never saw succeed; checked: " + checked);
    }

    /**
     * A protocol run with and without persistence: connected (also after a reconnect with since/epoch), messages to
     * the author and to another member, a duplicate, error frames (malformed JSON, an empty message, an auth frame
     * without access control, a reused clientId) and the sync frame of an administrator's delete. Every frame the
     * server sends must be valid against the payload its type has in asyncapi.yaml.
     */
    @Test
    void everyFrameOfAProtocolRunIsValidAgainstTheAsyncApiDocument() throws IOException {
        DocumentSchemas asyncapi = new DocumentSchemas(DocumentSchemas.YAML.readTree(
                Files.readString(Path.of("src/main/webapp/asyncapi.yaml"))));
        Map<String, JsonNode> payloads = new java.util.HashMap<>();
        for (var message : asyncapi.document().get("components").get("messages").properties()) {
            JsonNode payload = asyncapi.resolve(message.getValue().get("payload"));
            JsonNode type = payload.path("properties").path("type").get("const");
            if (type != null) {
                payloads.put(type.asString(), payload);
            }
        }
        List<String> frames = new ArrayList<>();
        String session = "frames-" + System.nanoTime();
        String secret = "docs-secret-0123456789abcdef";
        try (ChatSocket author = app.client().socket(session, "redis_persistence=true&author_secret=" + secret);
             ChatSocket member = app.client().socket(session, "redis_persistence=true")) {
            frames.add(author.connectedFrame().toString());
            frames.add(member.connectedFrame().toString());
            author.send("plain text");
            author.send("{\"content\":\"with id\",\"clientId\":\"c-1\"}");
            author.send("{\"content\":\"with id\",\"clientId\":\"c-1\"}");
            author.send("{\"content\":\"other\",\"clientId\":\"c-1\"}");
            author.send("{not json");
            author.send("{\"content\":\"\"}");
            author.send("{\"type\":\"auth\",\"token\":\"x\"}");
            frames.addAll(drain(author, 10));
            frames.addAll(drain(member, 4));
            // a new session has its epoch from its first write; error frames may come before the stored messages
            String epoch = frames.stream().map(ChatSocket::json).filter(f -> f.containsKey("epoch")).findFirst()
                    .orElseThrow().getString("epoch");
            try (ChatSocket back = app.client().socket(session, "redis_persistence=true&since=1&epoch=" + epoch)) {
                frames.add(back.connectedFrame().toString());
                assertTrue(back.connectedFrame().getBoolean("recovered"), back.connectedFrame().toString());
                frames.addAll(drain(back, back.connectedFrame().getInt("replayed")));
                assertEquals(200, call("DELETE", "api/admin/sessions/" + session, TOKEN, null).status());
                var sync = back.nextSync(Duration.ofSeconds(10)); // ChatSocket keeps sync frames apart
                assertTrue(sync != null, "no sync frame after the delete");
                frames.add(sync.toString());
            }
        }
        try (ChatSocket plain = app.client().socket("plain-" + System.nanoTime(), "n=3")) {
            frames.add(plain.connectedFrame().toString());
            plain.send("without persistence");
            frames.addAll(drain(plain, 2));
        }
        Set<String> types = new TreeSet<>();
        for (String frame : frames) {
            JsonNode json = DocumentSchemas.readJson(frame);
            String type = json.path("type").asString();
            types.add(type.equals("error") ? "error:" + json.path("code").asString()
                    : type.equals("sync") ? "sync:" + json.path("state").asString() : type);
            JsonNode schema = payloads.get(type);
            assertTrue(schema != null, "a frame of a type asyncapi.yaml does not describe: " + frame);
            assertEquals(List.of(), asyncapi.problems(schema, json), frame);
        }
        assertEquals(new TreeSet<>(List.of("connected", "message", "error:malformed_json", "error:empty_message",
                "error:invalid_message", "error:client_id_reused", "sync:deleted")), types, frames.toString());
    }

    /** The next {@code count} frames (fails when they do not come). */
    static List<String> drain(ChatSocket socket, int count) {
        List<String> frames = new ArrayList<>();
        while (frames.size() < count) {
            String frame = socket.nextFrame(Duration.ofSeconds(10));
            assertTrue(frame != null, "frame " + (frames.size() + 1) + " of " + count + " did not come; got " + frames);
            frames.add(frame);
        }
        return frames;
    }

    @Test
    void everyResourceMethodOfTheCodeIsDocumentedAndNothingElse() throws IOException {
        Set<String> inCode = new TreeSet<>();
        Path classes = Path.of("target/classes");
        try (Stream<Path> files = Files.walk(classes)) {
            for (Path file : (Iterable<Path>) files.filter(f -> f.toString().endsWith(".class"))::iterator) {
                String name = classes.relativize(file).toString().replace('/', '.').replaceAll("\\.class$", "");
                Class<?> type;
                try {
                    type = Class.forName(name, false, getClass().getClassLoader());
                } catch (ClassNotFoundException | LinkageError e) {
                    continue;
                }
                jakarta.ws.rs.Path root = type.getAnnotation(jakarta.ws.rs.Path.class);
                if (root == null) {
                    continue;
                }
                for (Method method : type.getDeclaredMethods()) {
                    for (var annotation : method.getAnnotations()) {
                        HttpMethod http = annotation.annotationType().getAnnotation(HttpMethod.class);
                        if (http != null) {
                            jakarta.ws.rs.Path sub = method.getAnnotation(jakarta.ws.rs.Path.class);
                            inCode.add(http.value() + " " + path("/api/" + root.value() + (sub == null ? "" : "/" + sub.value())));
                        }
                    }
                }
            }
        }
        assertTrue(inCode.size() >= 8, "found too few resource methods: " + inCode);
        assertEquals(inCode, operations(), "the JAX-RS resource methods of the code and the operations of /openapi");
    }

    private static String path(String raw) {
        return raw.replaceAll("/+", "/").replaceAll("(.)/$", "$1");
    }

    /** "GET /api/redis/status", ... as the document has them. */
    static Set<String> operations() {
        Set<String> operations = new TreeSet<>();
        for (var path : openapi.document().get("paths").properties()) {
            for (String method : path.getValue().propertyNames()) {
                if (Set.of("get", "put", "post", "delete", "patch", "head", "options").contains(method)) {
                    operations.add(method.toUpperCase() + " " + path.getKey());
                }
            }
        }
        return operations;
    }

    /** Calls {@code target} and validates the body against the document's schema of {@code documented} for its status. */
    static JsonNode check(String method, String documented, String target, String token, String body, int expected) {
        Answer answer = call(method, target, token, body);
        assertEquals(expected, answer.status(), method + " " + target + ": " + answer.body());
        JsonNode response = response(method, documented, answer.status());
        String type = answer.contentType().split(";")[0].trim();
        JsonNode schema = response.path("content").path(type).get("schema");
        assertTrue(schema != null, method + " " + documented + " " + answer.status() + ": no schema for " + type);
        JsonNode json = answer.json();
        List<String> problems = openapi.problems(schema, json);
        assertEquals(List.of(), problems, method + " " + target + " " + answer.status() + " " + answer.body());
        checked.add(method + " " + documented + " " + answer.status());
        return json;
    }

    /** The export: NDJSON as documented, each line one JSON object. */
    static void checkNdjson(String documented, Answer answer) {
        assertEquals(200, answer.status(), answer.body());
        JsonNode response = response("GET", documented, 200);
        String type = answer.contentType().split(";")[0].trim();
        assertTrue(response.path("content").has(type), "undocumented content type " + type);
        for (String line : answer.body().split("\n")) {
            assertTrue(DocumentSchemas.readJson(line).isObject(), line);
        }
        checked.add("GET " + documented + " 200");
    }

    static JsonNode response(String method, String documented, int status) {
        JsonNode operation = openapi.document().path("paths").path(documented).path(method.toLowerCase());
        assertTrue(operation.isObject(), method + " " + documented + " is not documented");
        JsonNode response = openapi.resolve(operation.path("responses").get(Integer.toString(status)));
        assertTrue(response != null, method + " " + documented + ": status " + status + " is not documented");
        return response;
    }

    static Answer call(String method, String target, String token, String body) {
        String type = target.contains("import") ? "application/x-ndjson" : "application/json";
        return send(method, app.root().resolve(target), token, body, type);
    }

    static Answer send(String method, URI uri, String token, String body, String contentType) {
        var request = HttpRequest.newBuilder(uri).timeout(Duration.ofSeconds(30))
                .method(method, body == null ? HttpRequest.BodyPublishers.noBody()
                        : HttpRequest.BodyPublishers.ofString(body, StandardCharsets.UTF_8))
                .header("Accept", "application/json, application/x-ndjson");
        if (body != null) {
            request.header("Content-Type", contentType);
        }
        if (token != null) {
            request.header("Authorization", "Bearer " + token);
        }
        try {
            HttpResponse<String> response = HTTP.send(request.build(), HttpResponse.BodyHandlers.ofString());
            return new Answer(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
                    response.body());
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException(e);
        }
    }
}
