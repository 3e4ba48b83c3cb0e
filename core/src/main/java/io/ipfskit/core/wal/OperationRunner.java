package io.ipfskit.core.wal;

import io.ipfskit.core.files.BoundedCopy;
import io.ipfskit.core.files.CancellationCheck;
import io.ipfskit.core.files.ContentTooLargeException;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.files.OperationCancelledException;
import io.ipfskit.core.files.PathRefusedException;
import io.ipfskit.core.files.ReadGrant;
import io.ipfskit.core.files.WriteGrant;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.Set;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Runs one operation against its backend, and classifies its failures. Stateless; called from
 * processor threads.
 *
 * <p>Every failure goes through {@link #classify}: a backend's {@link StorageException} by its own
 * {@link StorageErrorClass}; a problem with a file on this host named by {@code params.path} or
 * {@code params.destination} (missing, denied, a directory where a file is expected: a {@link
 * FileSystemException}) is {@code PERMANENT}, since retrying for hours cannot create the file;
 * other I/O on this host (disk full, out of file descriptors, an interrupted write) is {@code
 * TRANSIENT}. A refused path ({@link PathRefusedException}), content past the add limit ({@link
 * ContentTooLargeException}) and a cancel ({@link OperationCancelledException}) are {@code
 * PERMANENT}, also when a backend wrapped them in its own exception.
 *
 * <p><b>Host files</b> are touched only through the grant the tool edge recorded with the operation
 * ({@code params.file_access}, see {@link NewOperation#FILE_ACCESS}) and {@link FileAccessPolicy},
 * which re-checks it against the recorded roots and the home: {@code add} reads through {@link
 * FileAccessPolicy#openRead} and at most {@link Context#maxAddBytes} bytes ({@link BoundedCopy#limit});
 * {@code get}/{@code cat} write through {@link FileAccessPolicy#write} (a random temp file created
 * exclusively in the destination's real folder, then an atomic rename). {@code params.path} and
 * {@code params.destination} themselves are never opened. An operation with a path or destination
 * and no grant (queued by a version before file access roots) fails permanently, asking to queue it
 * again.
 *
 * <p><b>Mode of a written file:</b> the user's normal mode (0666 less the umask) narrowed to owner
 * read/write ({@code 0600}), and never wider than the file it replaces. The store does not keep the
 * mode of the file content came from, so content is treated as private: a copy of a 0600 file never
 * comes out 0644; a user who wants to share the copy widens it by hand.
 *
 * <p><b>Cancellation:</b> {@link Context#cancel} is asked before every chunk read from a host file
 * and every chunk written to a destination or a sink; once it says yes the run stops with {@link
 * OperationCancelledException} and a half-written temp file is removed.
 */
final class OperationRunner {

  /**
   * What a run needs besides the operation.
   *
   * @param policy re-checks recorded grants; its roots are unused (each grant carries its own), its
   *     home is carved out of every root
   * @param maxAddBytes the most bytes one {@code add} may read ({@code IPFS_KIT_MAX_ADD_BYTES})
   * @param cancel asked between chunks; true stops the run
   */
  record Context(FileAccessPolicy policy, long maxAddBytes, CancellationCheck cancel) {
    Context {
      java.util.Objects.requireNonNull(policy, "policy");
      java.util.Objects.requireNonNull(cancel, "cancel");
      if (maxAddBytes < 1) throw new IllegalArgumentException("maxAddBytes must be >= 1, but was " + maxAddBytes);
    }
  }

  /** The mode a written file is never wider than: owner read/write. */
  static final Set<PosixFilePermission> WRITTEN_FILE_MODE = PosixFilePermissions.fromString("rw-------");

  static final String NO_GRANT = " has no recorded file access check (" + "params." + NewOperation.FILE_ACCESS
      + "): the operation was queued before paths were checked against the allowed roots; queue it again";

  /** The parameters are unusable (missing file, unsupported type): retrying cannot help. */
  static final class BadParametersException extends IOException {
    private static final long serialVersionUID = 1L;

    BadParametersException(String message, Throwable cause) {
      super(message, cause);
    }
  }

  /**
   * {@code strerror} texts (glibc, C locale) of errno values that a path operation can meet and that
   * pass with time: ENOSPC, EDQUOT, EMFILE, ENFILE, EIO, EAGAIN, EINTR, ENOMEM. Under another locale
   * the text differs and such a failure counts as permanent.
   */
  private static final Set<String> TRANSIENT_FILE_SYSTEM_REASONS = Set.of(
      "No space left on device", "Disk quota exceeded", "Too many open files", "Too many open files in system",
      "Input/output error", "Resource temporarily unavailable", "Interrupted system call", "Cannot allocate memory");

  private OperationRunner() {}

  static OperationResult run(OperationType type, ObjectNode params, StorageBackend backend, Context ctx)
      throws IOException {
    switch (type) {
      case ADD -> {
        StoredContent stored;
        JsonNode content = params.get("content");
        if (content != null) {
          byte[] bytes = content.asString().getBytes(StandardCharsets.UTF_8);
          stored = add(backend, BoundedCopy.limit(new ByteArrayInputStream(bytes), ctx.maxAddBytes(), ctx.cancel()));
        } else {
          text(params, "path");
          ReadGrant grant = grant(params, "params.path", ReadGrant::fromJson);
          try (InputStream in = ctx.policy().openRead(grant)) {
            stored = add(backend, BoundedCopy.limit(in, ctx.maxAddBytes(), ctx.cancel()));
          }
        }
        // Where the backend put it (an S3 object key, the IPFS node) and whether it pinned it.
        return new OperationResult(stored.cid(), stored.size(), null, stored.location(), stored.pinned());
      }
      case GET, CAT -> {
        String cid = text(params, "cid");
        JsonNode dest = params.get("destination");
        if (dest == null) {
          CountingSink sink = new CountingSink();
          get(backend, cid, BoundedCopy.guard(sink, Long.MAX_VALUE, ctx.cancel()));
          return new OperationResult(cid, sink.count, null);
        }
        WriteGrant grant = grant(params, "params.destination", WriteGrant::fromJson);
        long size = ctx.policy().write(grant, WRITTEN_FILE_MODE, ctx.cancel(), out -> get(backend, cid, out));
        return new OperationResult(cid, size, grant.target().toString());
      }
      case PIN -> {
        String cid = text(params, "cid");
        backend.pin(cid);
        return new OperationResult(cid, null, null, null, true);
      }
      case UNPIN -> {
        String cid = text(params, "cid");
        backend.unpin(cid);
        return new OperationResult(cid, null, null, null, false);
      }
      case RM -> {
        String cid = text(params, "cid");
        backend.remove(cid); // on ipfs: an unpin (IPFS has no delete)
        return new OperationResult(cid, null, null, null, false);
      }
      default -> throw new BadParametersException("operation_type '" + type.wireName() + "' is not supported", null);
    }
  }

  private interface GrantReader<G> {
    G read(JsonNode json, String field);
  }

  /** The grant recorded in {@code params.file_access} for {@code argument}. */
  private static <G> G grant(ObjectNode params, String argument, GrantReader<G> reader) throws BadParametersException {
    JsonNode json = params.get(NewOperation.FILE_ACCESS);
    if (json == null || json.isNull()) throw new BadParametersException(argument + NO_GRANT, null);
    try {
      return reader.read(json, "params." + NewOperation.FILE_ACCESS);
    } catch (IllegalArgumentException e) {
      throw new BadParametersException(e.getMessage(), e);
    }
  }

  /** {@code backend.add}, with a cancel or the add limit thrown as itself even if the backend wrapped it. */
  private static StoredContent add(StorageBackend backend, InputStream in) throws IOException {
    try {
      return backend.add(in);
    } catch (StorageException e) {
      throw ownOr(e);
    }
  }

  private static void get(StorageBackend backend, String cid, OutputStream out) throws IOException {
    try {
      backend.get(cid, out);
    } catch (StorageException e) {
      throw ownOr(e);
    }
  }

  private static IOException ownOr(StorageException e) {
    Throwable own = ownFailure(e);
    if (own instanceof IOException io) return io;
    if (own instanceof PathRefusedException refused) throw refused;
    return e;
  }

  /**
   * The cancel, add limit or path refusal behind {@code t} (itself or a cause, as a backend may wrap
   * the stream's exception), or null.
   */
  static Throwable ownFailure(Throwable t) {
    for (int depth = 0; t != null && depth < 16; depth++, t = t.getCause()) {
      if (t instanceof OperationCancelledException || t instanceof ContentTooLargeException
          || t instanceof PathRefusedException)
        return t;
    }
    return null;
  }

  /** Whether {@code t} is (or wraps) a stop asked for by {@code wal_cancel_operation}. */
  static boolean cancelled(Throwable t) {
    return ownFailure(t) instanceof OperationCancelledException;
  }

  /** The error text recorded for a failed run. */
  static String failureMessage(Throwable t) {
    Throwable own = ownFailure(t);
    if (own instanceof ContentTooLargeException tooLarge)
      return "add stopped: the " + tooLarge.getMessage() + " (the maximum is the setting " + WalConfig.MAX_ADD_BYTES.name()
          + ")";
    if (own != null) return own.getMessage();
    return t.getMessage() == null ? t.getClass().getName() : t.getMessage();
  }

  private static String text(ObjectNode p, String field) throws BadParametersException {
    JsonNode n = p.get(field);
    if (n == null || !n.isString()) throw new BadParametersException("params." + field + " is missing", null);
    return n.asString();
  }

  /** Error type names recorded in {@code error_type}: the exception's simple name without "Exception". */
  static String errorType(Throwable t) {
    String n = t.getClass().getSimpleName();
    return n.endsWith("Exception") && n.length() > 9 ? n.substring(0, n.length() - 9) : n;
  }

  /** Whether the operation may be tried again: {@link #classify} is {@code UNAVAILABLE} or {@code TRANSIENT}. */
  static boolean retryable(Throwable t) {
    return classify(t).retryable();
  }

  /**
   * The one place a failure of {@link #run} gets its class. The backend's own class wins; then the
   * host-file rules above; anything that is not I/O (a bug, an invalid path string) is permanent.
   */
  static StorageErrorClass classify(Throwable t) {
    if (t instanceof UncheckedIOException u && u.getCause() != null) t = u.getCause();
    // Refused paths, content past the add limit and cancels are decisions, not accidents: the same
    // run would meet them again. They win over a backend's class (a backend may wrap the stream's).
    if (ownFailure(t) != null) return StorageErrorClass.PERMANENT;
    if (t instanceof StorageException se) return se.errorClass();
    if (t instanceof BadParametersException) return StorageErrorClass.PERMANENT;
    // NoSuchFile, AccessDenied, NotDirectory, DirectoryNotEmpty, FileAlreadyExists, "Is a directory",
    // "Read-only file system": the host's file system refused this path; it will refuse it again.
    // The JDK reports other errno values of a path operation as a plain FileSystemException whose
    // reason is the C library's text; those that pass with time stay transient.
    if (t instanceof FileSystemException fse) {
      return fse.getClass() == FileSystemException.class && TRANSIENT_FILE_SYSTEM_REASONS.contains(fse.getReason())
          ? StorageErrorClass.TRANSIENT : StorageErrorClass.PERMANENT;
    }
    if (t instanceof IOException) return StorageErrorClass.TRANSIENT; // disk full, interrupted I/O
    return StorageErrorClass.PERMANENT;
  }

  private static final class CountingSink extends OutputStream {
    long count;

    @Override
    public void write(int b) {
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) {
      count += len;
    }
  }
}
