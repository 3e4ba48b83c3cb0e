package io.ipfskit.server.tools;

import static java.util.Objects.requireNonNull;

import io.modelcontextprotocol.json.McpJsonMapper;
import io.modelcontextprotocol.json.TypeRef;
import java.io.IOException;

/**
 * An {@link McpJsonMapper} that hands every call to another one; a transport's mapper extends it and
 * overrides only the conversions it shortcuts (stdio's and HTTP's {@code tools/call} paths).
 */
public abstract class ForwardingJsonMapper implements McpJsonMapper {

  protected final McpJsonMapper delegate;

  protected ForwardingJsonMapper(McpJsonMapper delegate) {
    this.delegate = requireNonNull(delegate, "delegate");
  }

  @Override
  public <T> T convertValue(Object fromValue, TypeRef<T> type) {
    return delegate.convertValue(fromValue, type);
  }

  @Override
  public <T> T convertValue(Object fromValue, Class<T> type) {
    return delegate.convertValue(fromValue, type);
  }

  @Override
  public <T> T readValue(String content, Class<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, Class<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(String content, TypeRef<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public <T> T readValue(byte[] content, TypeRef<T> type) throws IOException {
    return delegate.readValue(content, type);
  }

  @Override
  public String writeValueAsString(Object value) throws IOException {
    return delegate.writeValueAsString(value);
  }

  @Override
  public byte[] writeValueAsBytes(Object value) throws IOException {
    return delegate.writeValueAsBytes(value);
  }
}
