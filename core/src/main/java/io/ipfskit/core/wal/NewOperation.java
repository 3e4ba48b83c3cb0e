package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request to log an operation, validated on construction so nothing half-formed reaches the log.
 *
 * <p>Parameters by type: {@code add} needs {@code params.path} (a readable regular file) or
 * {@code params.content} (a string), not both; {@code get}/{@code cat} need {@code params.cid} and
 * may name {@code params.destination} (a file path to write); {@code pin}/{@code unpin}/{@code rm}
 * need {@code params.cid}. Other parameters are kept as given.
 *
 * @param parameters null means no parameters; copied on the way in
 * @param priority 1 (lowest) .. 10 (highest); {@link #DEFAULT_PRIORITY} is 5
 */
public record NewOperation(OperationType operationType, String backend, ObjectNode parameters, int priority) {
  public static final int DEFAULT_PRIORITY = 5;
  public static final Set<OperationType> SUPPORTED = EnumSet.of(
      OperationType.ADD, OperationType.GET, OperationType.CAT, OperationType.PIN, OperationType.UNPIN, OperationType.RM);

  public NewOperation {
    requireNonNull(operationType, "operation_type");
    if (backend == null || backend.isBlank())
      throw new IllegalArgumentException("backend must be a non-empty name, but was "
          + (backend == null ? "missing" : "'" + backend + "'"));
    if (priority < 1 || priority > 10)
      throw new IllegalArgumentException("priority must be between 1 and 10, but was " + priority);
    parameters = parameters == null ? JsonNodeFactory.instance.objectNode() : parameters.deepCopy();
    validate(operationType, parameters);
  }

  public NewOperation(OperationType operationType, String backend, ObjectNode parameters) {
    this(operationType, backend, parameters, DEFAULT_PRIORITY);
  }

  @Override
  public ObjectNode parameters() {
    return parameters.deepCopy();
  }

  /** The validated parameters without a copy; the log only reads them. */
  ObjectNode parametersView() {
    return parameters;
  }

  private static void validate(OperationType type, ObjectNode p) {
    String t = "operation_type '" + type.wireName() + "'";
    switch (type) {
      case ADD -> {
        JsonNode path = p.get("path");
        JsonNode content = p.get("content");
        if (path == null && content == null)
          throw new IllegalArgumentException("params.path or params.content is required for " + t);
        if (path != null && content != null)
          throw new IllegalArgumentException("params.path and params.content are mutually exclusive for " + t
              + "; give exactly one");
        if (content != null && !content.isString())
          throw new IllegalArgumentException("params.content must be a string, but was " + kind(content));
        if (path != null) {
          if (!path.isString())
            throw new IllegalArgumentException("params.path must be a string, but was " + kind(path));
          Path file;
          try {
            file = Path.of(path.asString());
          } catch (InvalidPathException e) {
            throw new IllegalArgumentException("params.path must be a valid file path, but was '" + path.asString() + "'");
          }
          if (!Files.isRegularFile(file) || !Files.isReadable(file))
            throw new IllegalArgumentException("params.path must be a readable regular file, but was '"
                + path.asString() + "'");
        }
      }
      case GET, CAT -> {
        requireCid(p, t);
        JsonNode dest = p.get("destination");
        if (dest != null && (!dest.isString() || dest.asString().isBlank()))
          throw new IllegalArgumentException("params.destination must be a non-empty file path string, but was "
              + kind(dest));
      }
      case PIN, UNPIN, RM -> requireCid(p, t);
      default -> throw new IllegalArgumentException(t + " is not supported; supported: "
          + SUPPORTED.stream().map(OperationType::wireName).collect(Collectors.joining(", ", "[", "]")));
    }
  }

  private static void requireCid(ObjectNode p, String t) {
    JsonNode cid = p.get("cid");
    if (cid == null || cid.isNull())
      throw new IllegalArgumentException("params.cid is required for " + t);
    if (!cid.isString() || cid.asString().isBlank())
      throw new IllegalArgumentException("params.cid must be a non-empty string, but was " + kind(cid));
  }

  private static String kind(JsonNode n) {
    return n.isString() ? "'" + n.asString() + "'" : n.getNodeType().name().toLowerCase() + " " + n;
  }
}
