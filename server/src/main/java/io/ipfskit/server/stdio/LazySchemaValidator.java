package io.ipfskit.server.stdio;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;

/**
 * The schema validator the SDK gets: checks of our own constant schemas and of our own structured
 * results happen in the tests, not on every start and every call.
 *
 * <p>{@link #validateSchema} is what the SDK calls at build time to check every tool's schemas
 * against the meta-schema; that check runs in {@code ToolSchemasTest} instead, so here it answers
 * "valid" without loading anything.
 *
 * <p>{@link #validate} is what the SDK calls on every tool call to check the structured result
 * against the tool's output schema. Our results are records built by our own code, so by default
 * it answers "valid" (profiled at ~11 % of a light call's server CPU: the result is converted to a
 * tree and walked against the schema, every time). With the system property
 * {@value #VALIDATE_OUTPUT_PROPERTY}{@code =true} it validates for real with the SDK's default
 * validator, created on first use (its JSON Schema 2020-12 meta-schemas are a few hundred
 * classes); the integration tests start the server that way, so every result they see is checked.
 *
 * <p>"Valid" carries no JSON text: the SDK uses that text only for a result without content, and
 * every tool result has a text summary ({@code ToolResults}). Thread-safe: the delegate is
 * published through a volatile field under double-checked locking.
 */
public final class LazySchemaValidator implements JsonSchemaValidator {

  /** System property that turns per-call output validation on (tests). */
  static final String VALIDATE_OUTPUT_PROPERTY = "ipfskit.validateStructuredOutput";

  private static final ValidationResponse VALID = ValidationResponse.asValid(null);

  private final boolean validateOutput;
  private volatile JsonSchemaValidator delegate;

  /** Validates output when the system property {@value #VALIDATE_OUTPUT_PROPERTY} is "true". */
  public LazySchemaValidator() {
    this(Boolean.getBoolean(VALIDATE_OUTPUT_PROPERTY));
  }

  LazySchemaValidator(boolean validateOutput) {
    this.validateOutput = validateOutput;
  }

  private JsonSchemaValidator delegate() {
    JsonSchemaValidator d = delegate;
    if (d == null) {
      synchronized (this) {
        d = delegate;
        if (d == null) {
          d = McpJsonDefaults.getSchemaValidator();
          delegate = d;
        }
      }
    }
    return d;
  }

  @Override
  public ValidationResponse validate(Map<String, Object> schema, Object structuredContent) {
    return validateOutput ? delegate().validate(schema, structuredContent) : VALID;
  }

  @Override
  public ValidationResponse validateSchema(Map<String, Object> schema) {
    return VALID;
  }
}
