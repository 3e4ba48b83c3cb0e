package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.files.ReadGrant;
import io.ipfskit.core.files.WriteGrant;
import java.util.EnumSet;
import java.util.Set;
import java.util.stream.Collectors;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A request to log an operation, validated on construction so nothing half-formed reaches the log.
 *
 * <p>Parameters by type: {@code add} needs {@code params.path} (a file path) or {@code
 * params.content} (a string), not both; {@code get}/{@code cat} need {@code params.cid} and may name
 * {@code params.destination} (a file path to write); {@code pin}/{@code unpin}/{@code rm} need
 * {@code params.cid}. Other parameters are kept as given.
 *
 * <p><b>File access.</b> A {@code params.path} or {@code params.destination} must come with {@code
 * params.file_access} ({@link #FILE_ACCESS}): the grant the tool edge got from {@link
 * io.ipfskit.core.files.FileAccessPolicy} when it checked the path against the roots in force ({@link
 * ReadGrant#toJson} for a path, {@link WriteGrant#toJson} for a destination). It is recorded with the
 * operation, and the run re-checks it and touches the file only through it. This record checks its
 * shape only; it never touches the file system (the policy did, and the run does again). Only the
 * edge may set it: callers over MCP cannot.
 *
 * @param parameters null means no parameters; copied on the way in
 * @param priority 1 (lowest) .. 10 (highest); {@link #DEFAULT_PRIORITY} is 5
 */
public record NewOperation(OperationType operationType, String backend, ObjectNode parameters, int priority) {
  public static final int DEFAULT_PRIORITY = 5;
  /** The reserved parameter holding the file access grant of {@code params.path} / {@code params.destination}. */
  public static final String FILE_ACCESS = "file_access";
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
          if (!path.isString() || path.asString().isBlank())
            throw new IllegalArgumentException("params.path must be a non-blank file path string");
          ReadGrant.fromJson(requireGrant(p, "params.path"), "params." + FILE_ACCESS);
        } else {
          refuseGrant(p, t + " with params.content");
        }
      }
      case GET, CAT -> {
        requireCid(p, t);
        JsonNode dest = p.get("destination");
        if (dest != null && (!dest.isString() || dest.asString().isBlank()))
          throw new IllegalArgumentException("params.destination must be a non-blank file path string");
        if (dest != null) WriteGrant.fromJson(requireGrant(p, "params.destination"), "params." + FILE_ACCESS);
        else refuseGrant(p, t + " without params.destination");
      }
      case PIN, UNPIN, RM -> {
        requireCid(p, t);
        refuseGrant(p, t);
      }
      default -> throw new IllegalArgumentException(t + " is not supported; supported: "
          + SUPPORTED.stream().map(OperationType::wireName).collect(Collectors.joining(", ", "[", "]")));
    }
  }

  private static JsonNode requireGrant(ObjectNode p, String argument) {
    JsonNode g = p.get(FILE_ACCESS);
    if (g == null || g.isNull())
      throw new IllegalArgumentException("params." + FILE_ACCESS + " is required with " + argument + " (the tool edge"
          + " records it after checking the path against the allowed roots)");
    return g;
  }

  private static void refuseGrant(ObjectNode p, String what) {
    if (p.has(FILE_ACCESS))
      throw new IllegalArgumentException("params." + FILE_ACCESS + " is only recorded with params.path or"
          + " params.destination, not for " + what);
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
