package io.redischat.admin.entity;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.StringReader;
import java.util.List;

import jakarta.json.Json;
import jakarta.json.JsonObject;
import jakarta.json.bind.Jsonb;
import jakarta.json.bind.JsonbBuilder;

import org.junit.jupiter.api.Test;

/** The sessions page as JSON: the documented fields as before, and {@code instances} added for the ops console. */
class SessionPageTest {

    @Test
    void aPageSaysHowManyInstancesPublishTheirCountsBesideTheDocumentedFields() throws Exception {
        var session = new SessionSummary("a", 2, 2, "e1", 300L, 1795870896901L, 1);
        try (Jsonb jsonb = JsonbBuilder.create()) {
            JsonObject page = parse(jsonb.toJson(SessionPage.of(List.of(session), "c1", 2)));
            assertEquals(true, page.getBoolean("success"));
            assertEquals("a", page.getJsonArray("sessions").getJsonObject(0).getString("session_id"));
            assertEquals(1, page.getInt("count"));
            assertEquals("c1", page.getString("next_cursor"));
            assertEquals(2, page.getInt("instances"));

            JsonObject last = parse(jsonb.toJson(SessionPage.of(List.of(), null, 1)));
            assertFalse(last.containsKey("next_cursor"), "no next_cursor on the last page");
            assertEquals(1, last.getInt("instances"));
        }
    }

    private static JsonObject parse(String json) {
        return Json.createReader(new StringReader(json)).readObject();
    }
}
