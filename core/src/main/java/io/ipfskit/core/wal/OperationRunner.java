package io.ipfskit.core.wal;

import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
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
 * TRANSIENT}.
 */
final class OperationRunner {

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

  static OperationResult run(OperationType type, ObjectNode params, StorageBackend backend) throws IOException {
    switch (type) {
      case ADD -> {
        StoredContent stored;
        JsonNode content = params.get("content");
        if (content != null) {
          stored = backend.add(new ByteArrayInputStream(content.asString().getBytes(StandardCharsets.UTF_8)));
        } else {
          Path path = Path.of(text(params, "path"));
          if (Files.isDirectory(path))
            throw new BadParametersException("params.path is a directory; name a file", null);
          InputStream in;
          try {
            in = Files.newInputStream(path);
          } catch (IOException e) {
            throw new BadParametersException("params.path cannot be read: " + e, e);
          }
          try (in) {
            stored = backend.add(in);
          }
        }
        return new OperationResult(stored.cid(), stored.size(), null);
      }
      case GET, CAT -> {
        String cid = text(params, "cid");
        JsonNode dest = params.get("destination");
        if (dest == null) {
          CountingSink sink = new CountingSink();
          backend.get(cid, sink);
          return new OperationResult(cid, sink.count, null);
        }
        Path target = Path.of(dest.asString()).toAbsolutePath();
        Path parent = target.getParent();
        if (parent == null || !Files.isDirectory(parent))
          throw new BadParametersException("params.destination directory does not exist: " + parent, null);
        if (Files.isDirectory(target))
          throw new BadParametersException("params.destination is a directory; name a file inside it", null);
        Path temp = parent.resolve("." + target.getFileName() + ".ipfs-kit-tmp");
        long size;
        try {
          try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.CREATE, StandardOpenOption.TRUNCATE_EXISTING,
              StandardOpenOption.WRITE)) {
            CountingSink counter = new CountingSink(Channels.newOutputStream(ch));
            backend.get(cid, counter);
            counter.flush();
            ch.force(true);
            size = counter.count;
          }
          WalFiles.commit(temp, target);
        } catch (IOException e) {
          try {
            Files.deleteIfExists(temp);
          } catch (IOException suppressed) {
            e.addSuppressed(suppressed);
          }
          throw e;
        }
        return new OperationResult(cid, size, target.toString());
      }
      case PIN -> {
        String cid = text(params, "cid");
        backend.pin(cid);
        return new OperationResult(cid, null, null);
      }
      case UNPIN -> {
        String cid = text(params, "cid");
        backend.unpin(cid);
        return new OperationResult(cid, null, null);
      }
      case RM -> {
        String cid = text(params, "cid");
        backend.remove(cid);
        return new OperationResult(cid, null, null);
      }
      default -> throw new BadParametersException("operation_type '" + type.wireName() + "' is not supported", null);
    }
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
    private final OutputStream out;
    long count;

    CountingSink() {
      this(null);
    }

    CountingSink(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      count++;
      if (out != null) out.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      count += len;
      if (out != null) out.write(b, off, len);
    }

    @Override
    public void flush() throws IOException {
      if (out != null) out.flush();
    }
  }
}
