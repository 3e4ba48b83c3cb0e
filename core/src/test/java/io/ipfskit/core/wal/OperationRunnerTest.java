package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.backends;
import static io.ipfskit.core.wal.WalTests.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.io.UncheckedIOException;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryNotEmptyException;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.NoSuchFileException;
import java.nio.file.NotDirectoryException;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** How {@link OperationRunner} classifies failures, and what the WAL does with each class. */
@Timeout(60)
class OperationRunnerTest {

  /** One row per kind of failure an operation can meet: the throwable and the class it must get. */
  static Stream<Arguments> classificationTable() {
    IOException diskFull = new IOException("No space left on device");
    return Stream.of(
        Arguments.of("backend: no such content", new ContentNotFoundException("local", "bafkqaaa"),
            StorageErrorClass.NOT_FOUND),
        Arguments.of("backend: connection refused", new BackendUnavailableException("ipfs: connection refused", null),
            StorageErrorClass.UNAVAILABLE),
        Arguments.of("backend: 503 / throttled", new StorageException("s3 answered 503 SlowDown",
            StorageErrorClass.TRANSIENT), StorageErrorClass.TRANSIENT),
        Arguments.of("backend: invalid cid", new StorageException("cid is not valid", StorageErrorClass.PERMANENT),
            StorageErrorClass.PERMANENT),
        Arguments.of("backend: wraps a host file error, its own class wins", new StorageException("local disk",
            StorageErrorClass.TRANSIENT, new AccessDeniedException("/blocks")), StorageErrorClass.TRANSIENT),
        Arguments.of("params: unusable", new OperationRunner.BadParametersException("params.cid is missing", null),
            StorageErrorClass.PERMANENT),
        Arguments.of("host file: missing", new NoSuchFileException("/in/missing.txt"), StorageErrorClass.PERMANENT),
        Arguments.of("host file: denied", new AccessDeniedException("/root/out.bin"), StorageErrorClass.PERMANENT),
        Arguments.of("host file: a directory where a file is expected",
            new FileSystemException("/out/.x.ipfs-kit-tmp", null, "Is a directory"), StorageErrorClass.PERMANENT),
        Arguments.of("host file: parent is a file", new NotDirectoryException("/out/file.txt/x"),
            StorageErrorClass.PERMANENT),
        Arguments.of("host file: replacing a non-empty directory", new DirectoryNotEmptyException("/out/dir"),
            StorageErrorClass.PERMANENT),
        Arguments.of("host file: read-only file system",
            new FileSystemException("/mnt/ro/.x.ipfs-kit-tmp", null, "Read-only file system"), StorageErrorClass.PERMANENT),
        Arguments.of("host file: unknown errno text", new FileSystemException("/x", null, "Some new errno"),
            StorageErrorClass.PERMANENT),
        Arguments.of("host file: disk full creating the temp file",
            new FileSystemException("/out/.x.ipfs-kit-tmp", null, "No space left on device"), StorageErrorClass.TRANSIENT),
        Arguments.of("host file: out of file descriptors",
            new FileSystemException("/out/.x.ipfs-kit-tmp", null, "Too many open files"), StorageErrorClass.TRANSIENT),
        Arguments.of("host I/O: disk full", diskFull, StorageErrorClass.TRANSIENT),
        Arguments.of("host I/O: interrupted", new InterruptedIOException("write interrupted"),
            StorageErrorClass.TRANSIENT),
        Arguments.of("host I/O: unchecked wrapper of disk full", new UncheckedIOException(diskFull),
            StorageErrorClass.TRANSIENT),
        Arguments.of("unchecked wrapper of a missing file",
            new UncheckedIOException(new NoSuchFileException("/in/x")), StorageErrorClass.PERMANENT),
        Arguments.of("not I/O: invalid path string", new InvalidPathException("a\0b", "Nul character not allowed"),
            StorageErrorClass.PERMANENT),
        Arguments.of("not I/O: a bug", new IllegalStateException("bug"), StorageErrorClass.PERMANENT));
  }

  @ParameterizedTest(name = "{0} -> {2}")
  @MethodSource("classificationTable")
  void classify_eachFailureKind_getsItsClassAndRetryabilityFollows(String what, Throwable failure,
      StorageErrorClass expected) {
    assertEquals(expected, OperationRunner.classify(failure), what);
    assertEquals(expected == StorageErrorClass.UNAVAILABLE || expected == StorageErrorClass.TRANSIENT,
        OperationRunner.retryable(failure), what);
  }

  @Test
  void errorType_namesTheExceptionWithoutSuffix() {
    assertEquals("AccessDenied", OperationRunner.errorType(new AccessDeniedException("/x")));
    assertEquals("BackendUnavailable", OperationRunner.errorType(new BackendUnavailableException("down", null)));
  }

  @Test
  void storageException_retryable_derivedFromItsClass() {
    for (StorageErrorClass c : StorageErrorClass.values())
      assertEquals(c.retryable(), new StorageException("x", c).retryable(), c.name());
    assertEquals(StorageErrorClass.NOT_FOUND, new ContentNotFoundException("local", "bafkqaaa").errorClass());
    assertEquals(StorageErrorClass.UNAVAILABLE, new BackendUnavailableException("down", null).errorClass());
  }

  /** Real host-file problems met by {@link OperationRunner#run}, classified permanent. */
  @Nested
  class HostFiles {
    @TempDir Path tmp;
    final ScriptedBackend local = new ScriptedBackend("local");

    private String stored(String text) throws IOException {
      return local.add(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).cid();
    }

    private ObjectNode get(String cid, Path destination) {
      return WalTests.cid(cid).put("destination", destination.toString());
    }

    @Test
    void run_addPathMissing_permanentNamingParamsPath() {
      ObjectNode p = JsonNodeFactory.instance.objectNode().put("path", tmp.resolve("missing.txt").toString());
      IOException e = assertThrows(IOException.class, () -> OperationRunner.run(OperationType.ADD, p, local));
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertTrue(e.getMessage().startsWith("params.path cannot be read: "), e.getMessage());
    }

    @Test
    void run_addPathIsDirectory_permanentNamingParamsPath() {
      ObjectNode p = JsonNodeFactory.instance.objectNode().put("path", tmp.toString());
      IOException e = assertThrows(IOException.class, () -> OperationRunner.run(OperationType.ADD, p, local));
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertEquals("params.path is a directory; name a file", e.getMessage());
      assertEquals(0, local.calls.get(), "the backend must not be called");
    }

    @Test
    void run_getDestinationIsDirectory_permanentAndNothingWritten() throws Exception {
      String cid = stored("to a directory");
      Path dir = Files.createDirectory(tmp.resolve("out"));
      IOException e = assertThrows(IOException.class,
          () -> OperationRunner.run(OperationType.GET, get(cid, dir), local));
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertEquals("params.destination is a directory; name a file inside it", e.getMessage());
      assertEquals(java.util.List.of(dir), list(tmp));
    }

    @Test
    void run_getTempPathTakenByDirectory_fileSystemExceptionPermanent() throws Exception {
      String cid = stored("blocked temp");
      Files.createDirectory(tmp.resolve(".out.bin.ipfs-kit-tmp"));
      IOException e = assertThrows(IOException.class,
          () -> OperationRunner.run(OperationType.GET, get(cid, tmp.resolve("out.bin")), local));
      assertEquals(FileSystemException.class, e.getClass());
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertFalse(Files.exists(tmp.resolve("out.bin")));
    }
  }

  /** What the dispatcher does with a permanent host-file failure: fail at once, no retry spent. */
  @Nested
  class Dispatcher {
    @TempDir Path tmp;
    final MutableClock clock = new MutableClock(Instant.parse("2026-03-01T12:00:00Z"));
    final ScriptedBackend local = new ScriptedBackend("local");
    WriteAheadLog wal;

    @AfterEach
    void close() throws Exception {
      if (wal != null) wal.close();
    }

    @Test
    void processor_getIntoBlockedTempPath_failsAtOnceWithoutRetry() throws Exception {
      wal = WriteAheadLog.open(config(tmp.resolve("wal"), FsyncMode.ALWAYS, 1L << 20, 5, Duration.ofSeconds(10)),
          backends(local), clock, new WriteAheadLog.Options(null, null, false));
      String cid = local.add(new java.io.ByteArrayInputStream(new byte[] {1, 2, 3})).cid();
      Path out = Files.createDirectory(tmp.resolve("out"));
      Files.createDirectory(out.resolve(".x.bin.ipfs-kit-tmp"));
      ObjectNode params = WalTests.cid(cid).put("destination", out.resolve("x.bin").toString());
      String id = wal.add(new NewOperation(OperationType.GET, "local", params)).operationId();
      Operation failed = wal.waitFor(id, Duration.ofSeconds(20));
      assertEquals(OperationStatus.FAILED, failed.status());
      assertEquals(0, failed.retryCount(), "a host-file problem must not be retried");
      assertEquals("FileSystem", failed.errorType());
    }
  }

  private static java.util.List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
