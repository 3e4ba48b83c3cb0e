package io.ipfskit.server.stdio;

import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.json.schema.JsonSchemaValidator.ValidationResponse;
import java.util.Map;
import org.junit.jupiter.api.Test;

class LazySchemaValidatorTest {

  private static final Map<String, Object> SCHEMA = Map.of(
      "type", "object",
      "properties", Map.of("total_secrets", Map.of("type", "integer")),
      "required", java.util.List.of("total_secrets"));

  @Test
  void validate_outputValidationOn_rejectsAResultThatBreaksTheSchema() {
    ValidationResponse response = new LazySchemaValidator(true).validate(SCHEMA, Map.of("total_secrets", "three"));
    assertFalse(response.valid());
    assertTrue(response.errorMessage().contains("total_secrets"), response.errorMessage());
  }

  @Test
  void validate_outputValidationOn_acceptsAResultThatFitsTheSchema() {
    assertTrue(new LazySchemaValidator(true).validate(SCHEMA, Map.of("total_secrets", 3)).valid());
  }

  @Test
  void validate_outputValidationOff_answersValidWithoutChecking() {
    assertTrue(new LazySchemaValidator(false).validate(SCHEMA, Map.of("total_secrets", "three")).valid());
  }

  @Test
  void validateSchema_anySchema_isLeftToTheTests() {
    assertTrue(new LazySchemaValidator(true).validateSchema(Map.of("type", 42)).valid());
  }
}
