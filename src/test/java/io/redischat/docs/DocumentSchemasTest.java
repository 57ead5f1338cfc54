package io.redischat.docs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import tools.jackson.databind.JsonNode;

import io.redischat.testsupport.DocumentSchemas;

/**
 * The check the API document tests rely on is not vacuous: a $ref into the document's components is followed, and a
 * renamed, missing or undocumented field is a problem.
 */
class DocumentSchemasTest {

    static final DocumentSchemas OPENAPI;

    static {
        try {
            OPENAPI = new DocumentSchemas(DocumentSchemas.YAML.readTree(
                    Files.readString(Path.of("src/main/resources/META-INF/openapi.yaml"))));
        } catch (IOException e) {
            throw new IllegalStateException(e);
        }
    }

    static List<String> problems(String json) {
        JsonNode schema = DocumentSchemas.readJson("{\"$ref\":\"#/components/schemas/MessagesResponse\"}");
        return OPENAPI.problems(schema, DocumentSchemas.readJson(json));
    }

    @Test
    void theGuidesEnvelopeIsValid() {
        assertEquals(List.of(), problems("{\"success\":true,\"session_id\":\"a\",\"messages\":[{\"content\":\"hi\","
                + "\"timestamp\":1,\"isSent\":true,\"sessionId\":\"a\",\"seq\":1}],\"count\":1,\"has_more\":false}"));
    }

    @Test
    void aRenamedMissingOrUndocumentedFieldIsAProblem() {
        assertFalse(problems("{\"success\":true,\"sessionId\":\"a\",\"messages\":[],\"count\":0,\"has_more\":false}")
                .isEmpty());
        assertFalse(problems("{\"success\":true,\"session_id\":\"a\",\"messages\":[{\"content\":\"hi\",\"timestamp\":1,"
                + "\"isSent\":true,\"sessionId\":\"a\"}],\"count\":1,\"has_more\":false}").isEmpty());
        assertFalse(problems("{\"success\":true,\"session_id\":\"a\",\"messages\":[],\"count\":0,\"has_more\":false,"
                + "\"extra\":1}").isEmpty());
    }
}
