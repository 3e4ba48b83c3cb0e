package io.ipfskit.core.wal;

import static io.ipfskit.core.wal.WalTests.config;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.RandomAccessFile;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The run-time side of file access roots, end to end through the log with the real local block
 * store and real files: operations reach host files only through the grant recorded with them, the
 * re-check catches files swapped after queueing, one add is bounded by {@code maxAddBytes}, and a
 * running operation can be cancelled.
 */
@Timeout(60)
class WalFileAccessTest {
  @TempDir Path home;
  @TempDir Path files;
  @TempDir Path outside;
  GatedBackend local;
  WriteAheadLog wal;
  final ExecutorService executor = Executors.newSingleThreadExecutor();

  @BeforeEach
  void store() throws IOException {
    local = new GatedBackend(LocalBlockStore.open(home.resolve("blocks")));
  }

  @AfterEach
  void close() throws Exception {
    local.gate.countDown();
    executor.shutdownNow();
    if (wal != null) wal.close();
  }

  private WriteAheadLog open(boolean paused, long maxAddBytes) throws IOException {
    WalConfig c = config(home.resolve("wal"), FsyncMode.ALWAYS, 64L << 20, 3, Duration.ofSeconds(1))
        .withMaxAddBytes(maxAddBytes);
    assertEquals(home, c.home(), "the log's home is the folder holding its directory");
    return WriteAheadLog.open(c, Map.of("local", local), Clock.systemUTC(), new WriteAheadLog.Options(null, null, paused));
  }

  private ObjectNode add(Path file) {
    return WalTests.withReadGrant(JsonNodeFactory.instance.objectNode(), file, files, home);
  }

  private ObjectNode get(String cid, Path destination, boolean overwrite) {
    return WalTests.withWriteGrant(WalTests.cid(cid), destination, overwrite, files, home);
  }

  private String queue(OperationType type, ObjectNode params) throws IOException {
    return wal.add(new NewOperation(type, "local", params)).operationId();
  }

  private Operation finished(String id) throws InterruptedException {
    Operation op = wal.waitFor(id, Duration.ofSeconds(30));
    assertTrue(op.status().isTerminal(), "still " + op.status());
    return op;
  }

  private static byte[] randomBytes(int n) {
    byte[] b = new byte[n];
    new Random(42).nextBytes(b);
    return b;
  }

  @Test
  void addThenGet_throughGrants_storesTheFileAndWritesAnOwnerOnlyCopyWithNoTempLeft() throws Exception {
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    byte[] bytes = randomBytes(600_000); // three blocks of the local store
    Path source = Files.write(files.resolve("source.bin"), bytes);
    Files.setPosixFilePermissions(source, PosixFilePermissions.fromString("rw-------"));
    Operation added = finished(queue(OperationType.ADD, add(source)));
    assertEquals(OperationStatus.COMPLETED, added.status(), String.valueOf(added.error()));
    assertEquals(600_000L, added.result().size());

    Path dest = files.resolve("copy.bin");
    Operation got = finished(queue(OperationType.GET, get(added.result().cid(), dest, false)));
    assertEquals(OperationStatus.COMPLETED, got.status(), String.valueOf(got.error()));
    assertEquals(dest.toString(), got.result().destination());
    assertTrue(java.util.Arrays.equals(bytes, Files.readAllBytes(dest)));
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(dest)));
    assertEquals(List.of(dest, source), list(files), "no temp file is left next to the destination");
  }

  @Test
  void add_fileSwappedForASymlinkAfterQueueing_failsPermanentlyWithTheChangedRule() throws Exception {
    wal = open(true, WalConfig.DEFAULT_MAX_ADD_BYTES);
    Path file = Files.writeString(files.resolve("report.txt"), "harmless");
    Path secret = Files.writeString(outside.resolve("id_ed25519"), "PRIVATE KEY");
    String id = queue(OperationType.ADD, add(file));
    Files.delete(file);
    Files.createSymbolicLink(file, secret);
    wal.resumeProcessing();
    Operation op = finished(id);
    assertEquals(OperationStatus.FAILED, op.status());
    assertEquals(0, op.retryCount(), "a refused path is permanent: no retry spent");
    assertEquals("PathRefused", op.errorType());
    assertTrue(op.error().startsWith("params.path refused when the operation ran: the file or a folder on its way"
        + " changed since it was checked"), op.error());
    assertFalse(op.error().contains(secret.toString()), "the error never names the path");
    assertEquals(0, local.adds.get(), "the backend never saw the secret");
  }

  @Test
  void get_destinationBecameASymlinkAfterQueueing_isRefusedAndTheTargetIsUntouched() throws Exception {
    wal = open(true, WalConfig.DEFAULT_MAX_ADD_BYTES);
    String cid = local.add(new java.io.ByteArrayInputStream("fetched".getBytes())).cid();
    Path dest = files.resolve("out.txt");
    Path victim = Files.writeString(outside.resolve("keyring.json"), "the key ring");
    String id = queue(OperationType.GET, get(cid, dest, true));
    Files.createSymbolicLink(dest, victim);
    wal.resumeProcessing();
    Operation op = finished(id);
    assertEquals(OperationStatus.FAILED, op.status());
    assertEquals(0, op.retryCount());
    assertEquals("PathRefused", op.errorType());
    assertEquals("the key ring", Files.readString(victim));
    assertEquals(List.of(dest), list(files), "only the planted link; no temp file");
  }

  @Test
  void add_sparseTebibyteFileOverTheLimit_failsPermanentlyWithTheBytesRead() throws Exception {
    long max = 1L << 20;
    wal = open(false, max);
    Path sparse = files.resolve("sparse.img");
    try (RandomAccessFile f = new RandomAccessFile(sparse.toFile(), "rw")) {
      f.setLength(1L << 40);
    }
    Operation op = finished(queue(OperationType.ADD, add(sparse)));
    assertEquals(OperationStatus.FAILED, op.status());
    assertEquals(0, op.retryCount(), "too large is permanent: no retry spent");
    assertEquals("ContentTooLarge", op.errorType());
    assertTrue(op.error().contains("maximum size of " + max + " bytes"), op.error());
    assertTrue(op.error().contains("IPFS_KIT_MAX_ADD_BYTES"), op.error());
    Matcher m = Pattern.compile("read (\\d+) bytes before stopping").matcher(op.error());
    assertTrue(m.find(), op.error());
    long read = Long.parseLong(m.group(1));
    assertTrue(read > max && read <= max + (1 << 20), "read " + read);
    assertEquals(List.of(), list(home.resolve("blocks").resolve("tmp")), "no block temp file left");
  }

  @Test
  void cancel_processingAddOfAGatedStream_recordsCancelledLeavesNoTempAndStaysCancelledAfterRestart()
      throws Exception {
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    local.gateAdds = true;
    Path file = Files.write(files.resolve("slow.bin"), randomBytes(2 << 20));
    String id = queue(OperationType.ADD, add(file));
    assertTrue(local.started.await(30, TimeUnit.SECONDS), "the add started reading");
    assertEquals(OperationStatus.PROCESSING, wal.get(id).orElseThrow().status());

    Future<Operation> cancel = executor.submit(() -> wal.cancel(id));
    WalTests.awaitCondition("the cancel raised the run's flag", () -> wal.cancelRequested(id));
    local.gate.countDown(); // the next chunk sees the flag
    Operation cancelled = cancel.get(30, TimeUnit.SECONDS);
    assertEquals(OperationStatus.CANCELLED, cancelled.status());
    assertEquals("Cancelled", cancelled.errorType());
    assertEquals(List.of(), list(home.resolve("blocks").resolve("tmp")), "no block temp file left");
    assertFalse(wal.cancelRequested(id), "the flag goes with the run");
    assertEquals(0, wal.metrics().backends().get("local").failed(), "a cancel is not a failure");

    IllegalTransitionException again = assertThrows(IllegalTransitionException.class, () -> wal.cancel(id));
    assertEquals(OperationStatus.CANCELLED, again.from());

    wal.close();
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    assertEquals(OperationStatus.CANCELLED, wal.get(id).orElseThrow().status(), "a restart does not run it again");
    assertEquals(1, local.adds.get());
  }

  @Test
  void close_whileAnAddIsRunning_stopsTheCopyWithoutCancellingAndTheAddRunsAgainAfterRestart() throws Exception {
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    local.gateAdds = true;
    byte[] bytes = randomBytes(2 << 20);
    Path file = Files.write(files.resolve("interrupted.bin"), bytes);
    String id = queue(OperationType.ADD, add(file));
    assertTrue(local.started.await(30, TimeUnit.SECONDS), "the add started reading");
    Future<?> closing = executor.submit(() -> {
      wal.close();
      return null;
    });
    WalTests.awaitCondition("the log is closing", () -> wal.isClosedForTest());
    local.gate.countDown(); // the next chunk sees the log closing
    closing.get(30, TimeUnit.SECONDS);

    local.gateAdds = false;
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    Operation op = finished(id);
    assertEquals(OperationStatus.COMPLETED, op.status(), String.valueOf(op.error()));
    assertEquals((long) bytes.length, op.result().size());
    assertEquals(2, local.adds.get(), "stopped by the close, run again after the restart");
  }

  @Test
  void cancel_processingGetOfAGatedStream_recordsCancelledAndLeavesNoFileBehind() throws Exception {
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    local.gateGets = true;
    String cid = local.store.add(new java.io.ByteArrayInputStream(randomBytes(2 << 20))).cid();
    Path dest = files.resolve("slow-copy.bin");
    String id = queue(OperationType.GET, get(cid, dest, false));
    assertTrue(local.started.await(30, TimeUnit.SECONDS), "the get started writing");

    Future<Operation> cancel = executor.submit(() -> wal.cancel(id));
    WalTests.awaitCondition("the cancel raised the run's flag", () -> wal.cancelRequested(id));
    local.gate.countDown();
    assertEquals(OperationStatus.CANCELLED, cancel.get(30, TimeUnit.SECONDS).status());
    assertEquals(List.of(), list(files), "neither the destination nor a temp file exists");
  }

  @Test
  void cancel_completedOperation_staysAnIllegalTransition() throws Exception {
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    Path file = Files.writeString(files.resolve("done.txt"), "done");
    String id = queue(OperationType.ADD, add(file));
    assertEquals(OperationStatus.COMPLETED, finished(id).status());
    IllegalTransitionException e = assertThrows(IllegalTransitionException.class, () -> wal.cancel(id));
    assertEquals("operation " + id + " cannot move from completed to cancelled: only pending, retrying or"
        + " processing operations can be cancelled", e.getMessage());
  }

  @Test
  void add_operationWithoutAGrant_failsPermanentlyAskingToQueueItAgain() throws Exception {
    wal = open(false, WalConfig.DEFAULT_MAX_ADD_BYTES);
    Path file = Files.writeString(files.resolve("old.txt"), "queued by an older version");
    NewOperation op = new NewOperation(OperationType.ADD, "local", add(file));
    op.parametersView().remove(NewOperation.FILE_ACCESS); // as recorded before file access roots existed
    Operation failed = finished(wal.add(op).operationId());
    assertEquals(OperationStatus.FAILED, failed.status());
    assertEquals(0, failed.retryCount());
    assertEquals("BadParameters", failed.errorType());
    assertTrue(failed.error().endsWith("queue it again"), failed.error());
    assertEquals(0, local.adds.get(), "the file was never read");
  }

  private static List<Path> list(Path dir) throws IOException {
    try (Stream<Path> s = Files.list(dir)) {
      return s.sorted().toList();
    }
  }

  /**
   * The real local block store, reading the content to add (and, with {@code gateGets}, writing
   * fetched content) slowly: after the first chunk every chunk waits for {@link #gate}, and {@link
   * #started} says the first one passed.
   */
  static final class GatedBackend implements StorageBackend {
    final LocalBlockStore store;
    final CountDownLatch started = new CountDownLatch(1);
    final CountDownLatch gate = new CountDownLatch(1);
    final AtomicInteger adds = new AtomicInteger();
    volatile boolean gateAdds;
    volatile boolean gateGets;

    GatedBackend(LocalBlockStore store) {
      this.store = store;
    }

    private void pass(int chunk) throws IOException {
      if (chunk == 0) return;
      started.countDown();
      try {
        if (!gate.await(30, TimeUnit.SECONDS)) throw new IOException("the test never opened the gate");
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw new java.io.InterruptedIOException("interrupted at the gate");
      }
    }

    @Override
    public String name() {
      return "local";
    }

    @Override
    public StoredContent add(InputStream content) throws StorageException {
      adds.incrementAndGet();
      if (!gateAdds) return store.add(content);
      return store.add(new FilterInputStream(content) {
        int chunks;

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
          pass(chunks++);
          return in.read(b, off, len);
        }
      });
    }

    @Override
    public void get(String cid, OutputStream out) throws StorageException {
      if (!gateGets) {
        store.get(cid, out);
        return;
      }
      store.get(cid, new FilterOutputStream(out) {
        int chunks;

        @Override
        public void write(byte[] b, int off, int len) throws IOException {
          pass(chunks++);
          out.write(b, off, len);
        }
      });
    }

    @Override
    public void pin(String cid) throws StorageException {
      store.pin(cid);
    }

    @Override
    public void unpin(String cid) throws StorageException {
      store.unpin(cid);
    }

    @Override
    public void remove(String cid) throws StorageException {
      store.remove(cid);
    }

    @Override
    public BackendHealth health() {
      return store.health();
    }
  }
}
