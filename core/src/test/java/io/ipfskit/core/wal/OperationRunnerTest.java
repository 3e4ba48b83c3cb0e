package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.BoundedCopy;
import io.ipfskit.core.files.CancellationCheck;
import io.ipfskit.core.files.ContentTooLargeException;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.files.PathRefusedException;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** How {@link OperationRunner} classifies failures, and how it reaches host files through grants. */
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

  /** The three failures the run itself decides: a refused path, content past the limit, a cancel. */
  static Stream<Arguments> ownFailures() throws IOException {
    IOException tooLarge = assertThrows(IOException.class, () -> BoundedCopy.copy(
        new java.io.ByteArrayInputStream(new byte[10]), java.io.OutputStream.nullOutputStream(), 4, CancellationCheck.NEVER));
    IOException cancelled = assertThrows(IOException.class, () -> BoundedCopy.copy(
        new java.io.ByteArrayInputStream(new byte[10]), java.io.OutputStream.nullOutputStream(), 100, () -> true));
    RuntimeException refused = assertThrows(PathRefusedException.class,
        () -> WalTests.policy(Path.of("/nonexistent-root"), Path.of("/nonexistent-home")).checkRead("params.path", " "));
    return Stream.of(
        Arguments.of("content past the add limit", tooLarge, "ContentTooLarge"),
        Arguments.of("cancelled", cancelled, "OperationCancelled"),
        Arguments.of("path refused", refused, "PathRefused"),
        Arguments.of("a backend wrapped the limit as transient",
            new StorageException("read failed", StorageErrorClass.TRANSIENT, tooLarge), "ContentTooLarge"),
        Arguments.of("a backend wrapped the cancel as unavailable",
            new BackendUnavailableException("read failed", cancelled), "OperationCancelled"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("ownFailures")
  void classify_refusalLimitOrCancel_permanentEvenWhenWrappedByABackend(String what, Throwable failure,
      String ownType) {
    assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(failure), what);
    assertFalse(OperationRunner.retryable(failure), what);
    assertEquals(ownType, OperationRunner.errorType(OperationRunner.ownFailure(failure)), what);
  }

  /** Real host-file problems met by {@link OperationRunner#run}, through recorded grants. */
  @Nested
  class HostFiles {
    @TempDir Path root;
    @TempDir Path home;
    final ScriptedBackend local = new ScriptedBackend("local");

    private OperationRunner.Context ctx(long maxAddBytes, CancellationCheck cancel) {
      FileAccessPolicy runner = new FileAccessPolicy(AllowedRoots.none(), home, home);
      return new OperationRunner.Context(runner, maxAddBytes, cancel);
    }

    private OperationResult run(OperationType type, ObjectNode params) throws IOException {
      return OperationRunner.run(type, params, local, ctx(1L << 20, CancellationCheck.NEVER));
    }

    private String stored(String text) throws IOException {
      return local.add(new java.io.ByteArrayInputStream(text.getBytes(java.nio.charset.StandardCharsets.UTF_8))).cid();
    }

    private ObjectNode add(Path file) {
      return WalTests.withReadGrant(JsonNodeFactory.instance.objectNode(), file, root, home);
    }

    private ObjectNode get(String cid, Path destination, boolean overwrite) {
      return WalTests.withWriteGrant(WalTests.cid(cid), destination, overwrite, root, home);
    }

    @Test
    void run_addThroughGrant_readsTheFile() throws Exception {
      Path f = Files.writeString(root.resolve("in.txt"), "granted bytes");
      OperationResult r = run(OperationType.ADD, add(f));
      assertEquals(13L, r.size());
      assertEquals(java.util.List.of("add:granted bytes"), local.callOrder);
    }

    @Test
    void run_addFileRemovedAfterTheCheck_permanentNotFound() throws Exception {
      Path f = Files.writeString(root.resolve("in.txt"), "x");
      ObjectNode p = add(f);
      Files.delete(f);
      PathRefusedException e = assertThrows(PathRefusedException.class, () -> run(OperationType.ADD, p));
      assertEquals(PathRefusedException.Rule.NOT_FOUND, e.rule());
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertEquals(0, local.calls.get(), "the backend must not be called");
    }

    @Test
    void run_addFileReplacedByADirectory_permanentNotARegularFile() throws Exception {
      Path f = Files.writeString(root.resolve("in.txt"), "x");
      ObjectNode p = add(f);
      Files.delete(f);
      Files.createDirectory(f);
      PathRefusedException e = assertThrows(PathRefusedException.class, () -> run(OperationType.ADD, p));
      assertEquals(PathRefusedException.Rule.NOT_REGULAR_FILE, e.rule());
      assertEquals(0, local.calls.get(), "the backend must not be called");
    }

    @Test
    void run_addWithoutGrant_permanentAskingToQueueAgain() {
      ObjectNode p = JsonNodeFactory.instance.objectNode().put("path", root.resolve("in.txt").toString());
      IOException e = assertThrows(IOException.class, () -> run(OperationType.ADD, p));
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertEquals("params.path has no recorded file access check (params.file_access): the operation was queued"
          + " before paths were checked against the allowed roots; queue it again", e.getMessage());
    }

    @Test
    void run_getWithoutGrant_permanentAndNothingWritten() throws Exception {
      String cid = stored("old operation");
      ObjectNode p = WalTests.cid(cid).put("destination", root.resolve("out.bin").toString());
      IOException e = assertThrows(IOException.class, () -> run(OperationType.GET, p));
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      assertTrue(e.getMessage().startsWith("params.destination has no recorded file access check"), e.getMessage());
      assertEquals(java.util.List.of(), list(root));
    }

    @Test
    void run_getDestinationBecameADirectory_permanentAndNothingWritten() throws Exception {
      String cid = stored("to a directory");
      Path dest = root.resolve("out");
      ObjectNode p = get(cid, dest, true);
      Files.createDirectory(dest);
      PathRefusedException e = assertThrows(PathRefusedException.class, () -> run(OperationType.GET, p));
      assertEquals(PathRefusedException.Rule.NOT_REGULAR_FILE, e.rule());
      assertEquals(java.util.List.of(dest), list(root));
      assertEquals(java.util.List.of(), list(dest));
    }

    @Test
    void run_getWithLinkPlantedAtTheOldFixedTempName_writesTheFileAndLeavesTheVictimAlone(@TempDir Path outside)
        throws Exception {
      String cid = stored("fetched");
      Path victim = Files.writeString(outside.resolve("victim.txt"), "precious");
      Path planted = Files.createSymbolicLink(root.resolve(".out.bin.ipfs-kit-tmp"), victim);
      Path dest = root.resolve("out.bin");
      OperationResult r = run(OperationType.GET, get(cid, dest, false));
      assertEquals("fetched", Files.readString(dest));
      assertEquals(dest.toString(), r.destination());
      assertEquals("precious", Files.readString(victim));
      assertEquals(java.util.List.of(planted, dest), list(root), "no temp file left, the planted link untouched");
    }

    @Test
    void run_getOfASecretSource_writesOwnerOnlyWithNoTempLeft() throws Exception {
      Path secret = Files.writeString(root.resolve("secret.txt"), "s3cret");
      Files.setPosixFilePermissions(secret, java.nio.file.attribute.PosixFilePermissions.fromString("rw-------"));
      String cid = run(OperationType.ADD, add(secret)).cid();
      Path dest = root.resolve("copy.txt");
      OperationResult r = run(OperationType.GET, get(cid, dest, false));
      assertEquals(6L, r.size());
      assertEquals("s3cret", Files.readString(dest));
      assertEquals("rw-------", java.nio.file.attribute.PosixFilePermissions.toString(
          Files.getPosixFilePermissions(dest)));
      assertEquals(java.util.List.of(dest, secret), list(root));
    }

    @Test
    void run_addLargerThanTheLimit_permanentWithTheBytesRead() throws Exception {
      Path f = Files.write(root.resolve("big.bin"), new byte[100_000]);
      IOException e = assertThrows(IOException.class,
          () -> OperationRunner.run(OperationType.ADD, add(f), local, ctx(1000, CancellationCheck.NEVER)));
      assertEquals(StorageErrorClass.PERMANENT, OperationRunner.classify(e));
      ContentTooLargeException tooLarge = (ContentTooLargeException) OperationRunner.ownFailure(e);
      assertEquals(1000, tooLarge.limitBytes());
      assertTrue(tooLarge.bytesRead() > 1000 && tooLarge.bytesRead() <= 100_000, "read " + tooLarge.bytesRead());
      assertTrue(OperationRunner.failureMessage(e).contains("IPFS_KIT_MAX_ADD_BYTES"), OperationRunner.failureMessage(e));
    }
  }

  private static java.util.List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }
}
