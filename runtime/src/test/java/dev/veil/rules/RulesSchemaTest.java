package dev.veil.rules;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.dataformat.yaml.YAMLFactory;
import com.networknt.schema.JsonSchema;
import com.networknt.schema.JsonSchemaFactory;
import com.networknt.schema.SpecVersion;
import com.networknt.schema.ValidationMessage;
import dev.veil.store.SecretStoreProvider;
import dev.veil.store.StoreTypes;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** The JSON Schema in rules/schema describes what the loader accepts. */
class RulesSchemaTest {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final ObjectMapper YAML = new ObjectMapper(new YAMLFactory());

    static List<Path> good() { return RulesCorpus.good(); }

    static List<Path> examples() { return RulesCorpus.examples(); }

    static List<RulesCorpus.BadFile> bad() { return RulesCorpus.bad(); }

    private static JsonSchema schema() throws Exception {
        return JsonSchemaFactory.getInstance(SpecVersion.VersionFlag.V202012)
                .getSchema(Files.readString(RulesCorpus.SCHEMA));
    }

    private static JsonNode read(Path file) throws Exception {
        String text = Files.readString(file);
        return (NodeReader.isJson(file.toString(), text) ? JSON : YAML).readTree(text);
    }

    private static Set<ValidationMessage> validate(Path file) throws Exception {
        return schema().validate(read(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("good")
    void acceptsGoodFile(Path file) throws Exception {
        assertEquals(Set.of(), validate(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("examples")
    void acceptsExample(Path file) throws Exception {
        assertEquals(Set.of(), validate(file));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("bad")
    void agreesWithTheLoaderOnBadFile(RulesCorpus.BadFile bad) throws Exception {
        switch (bad.schema) {
            case REJECT:
                assertFalse(validate(bad.file).isEmpty(), "the schema should reject " + bad);
                break;
            case ACCEPT:
                // An error beyond a schema: the schema passes the file, the loader alone rejects it.
                assertEquals(Set.of(), validate(bad.file));
                assertThrows(RulesException.class,
                        () -> RulesLoader.parse(bad.toString(), Files.readString(bad.file), RulesCorpus.ENV));
                break;
            default: {
                String text = Files.readString(bad.file);
                ObjectMapper mapper = NodeReader.isJson(bad.toString(), text) ? JSON : YAML;
                try {
                    JsonNode node = mapper.readTree(text);
                    assertTrue(node == null || node.isMissingNode(), "expected nothing readable in " + bad);
                } catch (JsonProcessingException expected) {
                    // unreadable, as the verdict says
                }
            }
        }
    }

    @Test
    void storeOptionsMatchTheProviders() throws Exception {
        JsonNode branches = JSON.readTree(Files.readString(RulesCorpus.SCHEMA)).at("/$defs/store/anyOf");
        Set<String> described = new TreeSet<>();
        for (JsonNode branch : branches) {
            String type = branch.at("/properties/type/anyOf/0/const").asText();
            described.add(type);
            SecretStoreProvider provider = StoreTypes.all().get(type);
            Set<String> properties = new HashSet<>();
            branch.get("properties").fieldNames().forEachRemaining(properties::add);
            properties.remove("type");
            assertEquals(provider.options().keySet(), properties, type);
            Set<String> required = new HashSet<>();
            branch.get("required").forEach(n -> required.add(n.asText()));
            required.remove("type");
            assertEquals(provider.required(), required, type);
            for (Map.Entry<String, SecretStoreProvider.OptionKind> option : provider.options().entrySet()) {
                JsonNode p = branch.at("/properties/" + option.getKey());
                switch (option.getValue()) {
                    case STRING_LIST: assertEquals("array", p.get("type").asText(), option.getKey()); break;
                    case DURATION: assertEquals("#/$defs/duration", p.get("$ref").asText(), option.getKey()); break;
                    default: assertTrue(p.has("$ref") || "string".equals(p.get("type").asText()), option.getKey());
                }
            }
        }
        assertEquals(StoreTypes.all().keySet(), described);
    }
}
