package io.redischat.testsupport;

import java.util.List;
import java.util.stream.Collectors;

import com.networknt.schema.Error;
import com.networknt.schema.Schema;
import com.networknt.schema.SchemaRegistry;
import com.networknt.schema.SpecificationVersion;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.ObjectMapper;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;
import tools.jackson.dataformat.yaml.YAMLMapper;

/**
 * Validates JSON against a schema inside an API document (OpenAPI or AsyncAPI): the schema is taken with the
 * document's {@code components} beside it, so its {@code $ref: '#/components/...'} resolve as they do in the
 * document. JSON Schema 2020-12, which both documents' schema objects are written to be read as.
 */
public final class DocumentSchemas {

    public static final ObjectMapper JSON = JsonMapper.builder().build();
    public static final ObjectMapper YAML = YAMLMapper.builder().build();

    private static final SchemaRegistry REGISTRY = SchemaRegistry.withDefaultDialect(SpecificationVersion.DRAFT_2020_12);

    private final JsonNode document;

    public DocumentSchemas(JsonNode document) {
        this.document = document;
    }

    public JsonNode document() {
        return document;
    }

    /** Follows a {@code #/...} reference inside the document; any other node is returned as it is. */
    public JsonNode resolve(JsonNode node) {
        while (node != null && node.has("$ref") && node.get("$ref").asString().startsWith("#/")) {
            node = document.at(node.get("$ref").asString().substring(1));
        }
        return node;
    }

    /** The problems of {@code value} against {@code schema} (a schema object of the document); empty when valid. */
    public List<String> problems(JsonNode schema, JsonNode value) {
        ObjectNode root = ((ObjectNode) schema).deepCopy();
        root.set("components", document.get("components"));
        Schema compiled = REGISTRY.getSchema(root);
        List<Error> errors = compiled.validate(value);
        return errors.stream().map(Error::toString).collect(Collectors.toList());
    }

    public static JsonNode readJson(String text) {
        return JSON.readTree(text);
    }
}
