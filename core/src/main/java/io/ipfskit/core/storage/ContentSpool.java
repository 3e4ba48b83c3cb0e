package io.ipfskit.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One add's content on local disk, for backends that upload from a file (S3, Storacha): the stream copied to a private temp file ({@code add-*.spool},
 * 0600, in a 0700 directory) while its CID is computed, so the upload can be sized, split into
 * parts and re-read by the SDK without holding the content in memory. {@link #close()} deletes the
 * file; {@link #prepare} deletes the files a crash left.
 *
 * <p>Failures: reading the content is {@code PERMANENT} (its exception is the cause, so a cancel or
 * the add limit stays visible to the write-ahead log); creating or writing the spool file is
 * {@code TRANSIENT} (disk full passes).
 */
public final class ContentSpool implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(ContentSpool.class);
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");

  private final Path file;
  private final StoredContent computed;

  private ContentSpool(Path file, StoredContent computed) {
    this.file = file;
    this.computed = computed;
  }

  /**
   * Creates {@code dir} (0700) if needed and deletes the spool files an interrupted add left in it.
   *
   * @param backend the backend's name, for the log
   */
  public static void prepare(Path dir, String backend) throws IOException {
    if (!Files.isDirectory(dir)) {
      if (POSIX)
        Files.createDirectories(dir, PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rwx------")));
      else Files.createDirectories(dir);
    }
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(dir, "add-*.spool")) {
      for (Path p : leftovers) {
        LOG.warn("Deleting the spool file {} an interrupted {} add left behind", p, backend);
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * Copies {@code content} (to its end; the caller closes it) into a new spool file in {@code dir},
   * computing its CID on the way.
   *
   * @param backend the backend's name, for messages
   */
  public static ContentSpool write(Path dir, String backend, InputStream content) throws StorageException {
    Path file;
    try {
      file = POSIX ? Files.createTempFile(dir, "add-", ".spool",
          PosixFilePermissions.asFileAttribute(PosixFilePermissions.fromString("rw-------")))
          : Files.createTempFile(dir, "add-", ".spool");
    } catch (IOException e) {
      throw new StorageException(backend + " backend cannot create a spool file in " + dir + ": " + e,
          StorageErrorClass.TRANSIENT, e);
    }
    try (FileChannel out = FileChannel.open(file, StandardOpenOption.WRITE)) {
      StoredContent computed = ContentCid.of(new TeeInputStream(content, Channels.newOutputStream(out)));
      return new ContentSpool(file, computed);
    } catch (TeeInputStream.CopyFailure e) {
      delete(file);
      throw new StorageException(backend + " backend could not spool the content to " + file + ": " + e.getCause(),
          StorageErrorClass.TRANSIENT, e.getCause());
    } catch (IOException e) {
      delete(file);
      throw new StorageException("reading the content to add failed: " + e, StorageErrorClass.PERMANENT, e);
    } catch (RuntimeException e) {
      delete(file);
      throw e;
    }
  }

  /** The spool file (0600); deleted by {@link #close()}. */
  public Path file() {
    return file;
  }

  /** The content's CID and size; no location. */
  public StoredContent computed() {
    return computed;
  }

  @Override
  public void close() {
    delete(file);
  }

  private static void delete(Path file) {
    try {
      Files.deleteIfExists(file);
    } catch (IOException e) {
      LOG.warn("could not delete the spool file {}: {}", file, e.toString());
    }
  }
}
