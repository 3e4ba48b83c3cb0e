package io.ipfskit.server.stdio;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import java.util.Map;

/**
 * The SDK's default JSON Schema validator, created on first use. Building it loads the JSON Schema
 * 2020-12 meta-schemas (a few hundred classes); deferring that to the first tool call keeps it off
 * the path to the first {@code tools/list} answer. Thread-safe: the delegate is published through
 * a volatile field under double-checked locking.
 *
 * <p>{@link #validateSchema} is what the SDK calls at build time to check every tool's schemas
 * against the meta-schema. Our schemas are constants, so that check runs in the test suite
 * ({@code ToolSchemasTest}) instead of at every start; here it answers "valid" without loading
 * anything. Output validation ({@link #validate}) is real and happens on every tool call.
 */
final class LazySchemaValidator implements JsonSchemaValidator {

  private volatile JsonSchemaValidator delegate;

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
    return delegate().validate(schema, structuredContent);
  }

  @Override
  public ValidationResponse validateSchema(Map<String, Object> schema) {
    return ValidationResponse.asValid(null);
  }
}
