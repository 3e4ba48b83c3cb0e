package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.KitHome;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Every tool's input and output schema is valid JSON Schema 2020-12. The server skips the SDK's
 * start-up meta-schema check to answer tools/list sooner (LazySchemaValidator), so it runs here.
 */
class ToolSchemasTest {

  @TempDir Path temp;

  private List<SyncToolSpecification> tools() {
    return ToolCatalog.all(KitHome.open(KitConfig.defaults(temp)));
  }

  @Test
  void everyTool_inputAndOutputSchema_conformToTheMetaSchema() {
    JsonSchemaValidator validator = McpJsonDefaults.getSchemaValidator();
    List<SyncToolSpecification> tools = tools();
    assertFalse(tools.isEmpty());
    for (SyncToolSpecification spec : tools) {
      String name = spec.tool().name();
      ValidationResponse in = validator.validateSchema(spec.tool().inputSchema());
      assertTrue(in.valid(), name + " inputSchema: " + in.errorMessage());
      ValidationResponse out = validator.validateSchema(spec.tool().outputSchema());
      assertTrue(out.valid(), name + " outputSchema: " + out.errorMessage());
    }
  }

  @Test
  void everyTool_name_isValidAndUnique() {
    List<String> names = tools().stream().map(t -> t.tool().name()).toList();
    assertEquals(names.size(), names.stream().distinct().count(), names.toString());
    for (String name : names) {
      assertTrue(name.matches("[a-z][a-z0-9_]{0,63}"), name);
    }
  }
}
