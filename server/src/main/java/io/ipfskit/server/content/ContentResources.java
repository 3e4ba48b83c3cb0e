package io.ipfskit.server.content;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.Cid;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.spec.McpError;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceRequest;
import io.modelcontextprotocol.spec.McpSchema.ReadResourceResult;
import io.modelcontextprotocol.spec.McpSchema.Resource;
import io.modelcontextprotocol.spec.McpSchema.ResourceTemplate;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Stored content as MCP resources: the template {@code ipfs://{cid}} reads any CID from the first
 * backend that holds it (text contents for UTF-8, blob contents in base64 otherwise, up to
 * {@code IPFS_KIT_CONTENT_MAX_BYTES}; larger content is an error naming its size and the setting),
 * and {@code resources/list} shows the CIDs of the most recent completed {@code add} operations.
 *
 * <p>A read failure is a JSON-RPC error (MCP prescribes -32002 for an unknown resource, -32602 for a
 * malformed uri); the message names the rule or the size, never file content.
 */
public final class ContentResources {
  public static final String SCHEME = "ipfs://";
  public static final String TEMPLATE = SCHEME + "{cid}";
  /** How many recent adds {@code resources/list} shows. */
  public static final int RECENT_ADDS = 20;

  private static final Logger log = LoggerFactory.getLogger(ContentResources.class);

  private final Supplier<ContentReader> reader;
  private final Function<OperationQuery, List<Operation>> operations;

  /**
   * @param reader the content reader (reached on each read, so nothing opens before the first one)
   * @param operations lists the WAL's operations (e.g. {@code wal.service()::list})
   */
  public ContentResources(Supplier<ContentReader> reader, Function<OperationQuery, List<Operation>> operations) {
    this.reader = requireNonNull(reader, "reader");
    this.operations = requireNonNull(operations, "operations");
  }

  /** The {@code ipfs://{cid}} template. */
  public SyncResourceTemplateSpecification template() {
    ResourceTemplate t = ResourceTemplate.builder(TEMPLATE, "stored-content")
        .title("Stored content by CID")
        .description("Content stored by ipfs-kit (the local block store, then any other configured backend), by its"
            + " CID (CIDv1 base32, or a CIDv0 Qm...): text for UTF-8 content, a base64 blob otherwise; larger than"
            + " IPFS_KIT_CONTENT_MAX_BYTES is an error")
        .build();
    return new SyncResourceTemplateSpecification(t, (exchange, request) -> read(request));
  }

  /** One listed resource per distinct CID of the last {@link #RECENT_ADDS} completed adds, newest first. */
  public List<SyncResourceSpecification> recentAdds() {
    List<Operation> done = operations.apply(new OperationQuery(OperationStatus.COMPLETED, null, 4 * RECENT_ADDS, 0));
    Set<String> seen = new LinkedHashSet<>();
    List<SyncResourceSpecification> out = new ArrayList<>();
    for (Operation o : done) {
      if (o.operationType() != OperationType.ADD || o.result() == null || o.result().cid() == null) continue;
      if (!seen.add(o.result().cid()) || out.size() == RECENT_ADDS) continue;
      Resource r = Resource.builder()
          .uri(SCHEME + o.result().cid())
          .name(o.result().cid())
          .description("added " + (o.completedAt() == null ? "" : o.completedAt() + " ") + "by operation "
              + o.operationId() + " on " + o.backend())
          .size(o.result().size())
          .build();
      out.add(new SyncResourceSpecification(r, (exchange, request) -> read(request)));
    }
    return out;
  }

  ReadResourceResult read(ReadResourceRequest request) {
    String uri = request.uri();
    if (uri == null || !uri.startsWith(SCHEME)) {
      throw error(McpSchema.ErrorCodes.INVALID_PARAMS, "uri must be " + TEMPLATE);
    }
    String cid = Cid.canonical(uri.substring(SCHEME.length())).orElseThrow(() ->
        error(McpSchema.ErrorCodes.INVALID_PARAMS, "the cid in uri " + Cid.ACCEPTED_RULE));
    ContentReader r = reader.get();
    StoredBytes bytes;
    try {
      bytes = r.find(cid);
    } catch (ContentNotFoundException e) {
      throw error(McpSchema.ErrorCodes.RESOURCE_NOT_FOUND, "no stored content with cid " + cid + " (" + e.getMessage() + ")");
    } catch (StorageException e) {
      log.warn("reading {} failed: {}", cid, e.getMessage());
      throw error(McpSchema.ErrorCodes.INTERNAL_ERROR, "reading cid " + cid + " failed: " + e.getMessage());
    }
    if (bytes.truncated()) {
      throw error(McpSchema.ErrorCodes.INVALID_PARAMS, "content " + cid + " is " + bytes.size() + " bytes, more than"
          + " IPFS_KIT_CONTENT_MAX_BYTES (" + r.maxBytes() + "); fetch it to a file with wal_add_operation"
          + " (operation_type get, params.destination) or raise the setting");
    }
    String canonicalUri = SCHEME + cid;
    McpSchema.ResourceContents contents = bytes.text()
        .<McpSchema.ResourceContents>map(text -> new McpSchema.TextResourceContents(canonicalUri, "text/plain", text))
        .orElseGet(() -> new McpSchema.BlobResourceContents(canonicalUri, "application/octet-stream", bytes.base64()));
    return new ReadResourceResult(List.of(contents));
  }

  private static McpError error(int code, String message) {
    return McpError.builder(code).message(message).build();
  }
}
