package io.ipfskit.core.storage;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.nio.file.Path;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

class LocalBlockStoreTest {
  private static final String EMPTY_CID = "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku";
  private static final int CHUNK = 262_144;

  @TempDir Path dir;

  /** One entry of src/test/resources/unixfs-vectors.json (made by src/test/unixfs-vectors/generate.mjs). */
  record Vector(long size, String content, String cid) {
    InputStream open() {
      if (content.equals("pattern")) return new PatternStream(size);
      if (content.startsWith("utf8:")) return new ByteArrayInputStream(content.substring(5).getBytes(UTF_8));
      throw new IllegalArgumentException("unknown vector content " + content);
    }

    @Override
    public String toString() {
      return size + " bytes of " + content;
    }
  }

  /** An entry of "layoutVectors": the same importer with tiny chunks and few links, for deep trees. */
  record LayoutVector(int chunkSize, int maxChildrenPerNode, long size, String cid) {
    @Override
    public String toString() {
      return size + " bytes in chunks of " + chunkSize + ", <= " + maxChildrenPerNode + " links";
    }
  }

  static List<LayoutVector> layoutVectors() throws IOException {
    try (InputStream in = LocalBlockStoreTest.class.getResourceAsStream("/unixfs-vectors.json")) {
      List<LayoutVector> out = new ArrayList<>();
      for (JsonNode v : JsonMapper.builder().build().readTree(in).get("layoutVectors")) {
        out.add(new LayoutVector(v.get("chunkSize").asInt(), v.get("maxChildrenPerNode").asInt(),
            v.get("size").asLong(), v.get("cid").asString()));
      }
      return out;
    }
  }

  static List<Vector> vectors() throws IOException {
    try (InputStream in = LocalBlockStoreTest.class.getResourceAsStream("/unixfs-vectors.json")) {
      JsonNode root = JsonMapper.builder().build().readTree(in);
      List<Vector> out = new ArrayList<>();
      for (JsonNode v : root.get("vectors")) {
        out.add(new Vector(v.get("size").asLong(), v.get("content").asString(), v.get("cid").asString()));
      }
      return out;
    }
  }

  /**
   * {@code size} bytes where byte i = (i*31+7) mod 251, generated on the fly and handed out in
   * uneven reads of at most 100,003 bytes, so chunking cannot depend on how the stream is read.
   */
  static final class PatternStream extends InputStream {
    private final long size;
    private long pos;

    PatternStream(long size) {
      this.size = size;
    }

    static int byteAt(long i) {
      return (int) ((i * 31 + 7) % 251);
    }

    @Override
    public int read() {
      return pos < size ? byteAt(pos++) : -1;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (pos >= size) return -1;
      int n = (int) Math.min(Math.min(len, 100_003), size - pos);
      for (int k = 0; k < n; k++) b[off + k] = (byte) byteAt(pos++);
      return n;
    }
  }

  private static byte[] sha256(InputStream in) throws Exception {
    MessageDigest md = MessageDigest.getInstance("SHA-256");
    in.transferTo(new DigestOutputStream(OutputStream.nullOutputStream(), md));
    return md.digest();
  }

  private static byte[] getBytes(LocalBlockStore store, String cid) throws StorageException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    store.get(cid, out);
    return out.toByteArray();
  }

  private static StoredContent add(LocalBlockStore store, byte[] bytes) throws StorageException {
    return store.add(new ByteArrayInputStream(bytes));
  }

  private List<Path> blockFiles() throws IOException {
    try (Stream<Path> s = Files.walk(dir)) {
      return s.filter(Files::isRegularFile)
          .filter(p -> p.getParent().getFileName().toString().length() == 2)
          .sorted().toList();
    }
  }

  private static byte[] pattern(int size) {
    byte[] b = new byte[size];
    for (int i = 0; i < size; i++) b[i] = (byte) PatternStream.byteAt(i);
    return b;
  }

  @Nested
  class KuboConformance {
    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ipfskit.core.storage.LocalBlockStoreTest#vectors")
    void add_referenceVector_sameCidAsJsImporterAndGetRebuildsBytes(Vector v) throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      StoredContent stored = store.add(v.open());
      assertEquals(v.cid(), stored.cid());
      assertEquals(v.size(), stored.size());

      MessageDigest md = MessageDigest.getInstance("SHA-256");
      try (DigestOutputStream out = new DigestOutputStream(OutputStream.nullOutputStream(), md)) {
        store.get(stored.cid(), out);
      }
      assertArrayEquals(sha256(v.open()), md.digest());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("io.ipfskit.core.storage.LocalBlockStoreTest#layoutVectors")
    void balancedLayout_deepTreesWithShortGroups_sameRootAsJsImporter(LayoutVector v) throws Exception {
      Map<Cid, byte[]> blocks = new HashMap<>();
      BalancedFileLayout layout = new BalancedFileLayout(
          (cid, block, length) -> blocks.put(cid, java.util.Arrays.copyOf(block, length)), v.maxChildrenPerNode());
      byte[] content = pattern((int) v.size());
      for (int from = 0; from < content.length; from += v.chunkSize()) {
        byte[] chunk = java.util.Arrays.copyOfRange(content, from, Math.min(content.length, from + v.chunkSize()));
        layout.addChunk(chunk, chunk.length);
      }
      UnixFsNode.Link root = layout.finish();
      assertEquals(v.cid(), root.cid().toString());
      assertEquals(v.size(), root.fileSize());
      for (Map.Entry<Cid, byte[]> b : blocks.entrySet()) {
        assertTrue(b.getKey().matches(b.getValue(), b.getValue().length), "every block matches its CID");
      }
    }

    @Test
    void vectors_coverEveryShapeTheBriefNames() throws IOException {
      Set<Long> sizes = new HashSet<>();
      for (Vector v : vectors()) sizes.add(v.size());
      assertTrue(sizes.containsAll(List.of(0L, 1L, 11L, 262143L, 262144L, 262145L, 1048583L,
          174L * CHUNK, 174L * CHUNK + 1)), sizes.toString());
    }

    @Test
    void add_emptyStream_isTheRawBlockOfZeroBytes() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      assertEquals(new StoredContent(EMPTY_CID, 0), add(store, new byte[0]));
      assertArrayEquals(new byte[0], getBytes(store, EMPTY_CID));
      assertEquals(1, blockFiles().size());
    }

    @Test
    void add_twoChunkFile_storesTwoRawLeavesAndOneDagPbRoot() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      StoredContent c = add(store, pattern(CHUNK + 1));
      assertTrue(c.cid().startsWith("bafybei"), c.cid());
      List<String> names = blockFiles().stream().map(p -> p.getFileName().toString()).toList();
      assertEquals(3, names.size());
      assertEquals(2, names.stream().filter(n -> n.startsWith("bafkrei")).count());
      Path rootFile = blockFiles().stream().filter(p -> p.getFileName().toString().equals(c.cid())).findFirst().orElseThrow();
      String name = c.cid();
      assertEquals(name.substring(name.length() - 3, name.length() - 1), rootFile.getParent().getFileName().toString());
      byte[] root = Files.readAllBytes(rootFile);
      UnixFsNode node = UnixFsNode.decode(root, root.length);
      assertEquals(List.of((long) CHUNK, 1L), node.links().stream().map(UnixFsNode.Link::fileSize).toList());
      assertEquals(List.of((long) CHUNK, 1L), node.links().stream().map(UnixFsNode.Link::tsize).toList());
    }
  }

  @Nested
  class Validation {
    @ParameterizedTest
    @ValueSource(strings = {
        "QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o",
        "BAFKREIHDWDCEFGH4DQKJV67UZCMW7OJEE6XEDZDETOJUZJEVTENXQUVYKU",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk",
        "bafyreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku",
        "bafkreihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyk1",
        "",
        "b"})
    void get_invalidCid_nonRetryableErrorNamingCidAndValue(String bad) throws IOException {
      LocalBlockStore store = LocalBlockStore.open(dir);
      StorageException e = assertThrows(StorageException.class, () -> store.get(bad, OutputStream.nullOutputStream()));
      assertFalse(e.retryable());
      assertFalse(e instanceof ContentNotFoundException);
      assertTrue(e.getMessage().startsWith("cid must be a CIDv1 in base32 (prefix 'b', e.g. bafkrei...) with codec raw"
          + " or dag-pb and a sha2-256 multihash, but was '" + bad + "' ("), e.getMessage());
      assertThrows(StorageException.class, () -> store.pin(bad));
      assertThrows(StorageException.class, () -> store.unpin(bad));
      assertThrows(StorageException.class, () -> store.remove(bad));
    }

    @Test
    void get_cidv0_messageSaysWhy() throws IOException {
      LocalBlockStore store = LocalBlockStore.open(dir);
      StorageException e = assertThrows(StorageException.class,
          () -> store.get("QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o", OutputStream.nullOutputStream()));
      assertEquals("cid must be a CIDv1 in base32 (prefix 'b', e.g. bafkrei...) with codec raw or dag-pb and a"
          + " sha2-256 multihash, but was 'QmT78zSuBmuS4z925WZfrqQ1qHaJ56DQaTfyMUF7F8ff5o' (no base32 prefix 'b')",
          e.getMessage());
    }

    @Test
    void getAndPinAndUnpin_unknownCid_contentNotFound() throws IOException {
      LocalBlockStore store = LocalBlockStore.open(dir);
      String unknown = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
      ContentNotFoundException e = assertThrows(ContentNotFoundException.class,
          () -> store.get(unknown, OutputStream.nullOutputStream()));
      assertEquals("local backend has no content with cid " + unknown, e.getMessage());
      assertFalse(e.retryable());
      assertThrows(ContentNotFoundException.class, () -> store.pin(unknown));
      assertThrows(ContentNotFoundException.class, () -> store.unpin(unknown));
      store.remove(unknown);   // removing absent content is not an error
    }
  }

  @Nested
  class PinsAndRemoval {
    @Test
    void remove_pinnedCid_refusedUntilUnpinned_evenAfterReopen() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      String cid = add(store, pattern(3 * CHUNK)).cid();
      store.pin(cid);
      store.pin(cid);   // idempotent

      LocalBlockStore reopened = LocalBlockStore.open(dir);
      StorageException e = assertThrows(StorageException.class, () -> reopened.remove(cid));
      assertEquals("cid " + cid + " is pinned in the local block store; unpin it before removing it", e.getMessage());
      assertFalse(e.retryable());
      assertArrayEquals(pattern(3 * CHUNK), getBytes(reopened, cid));

      reopened.unpin(cid);
      reopened.unpin(cid);   // idempotent
      reopened.remove(cid);
      assertThrows(ContentNotFoundException.class, () -> reopened.get(cid, OutputStream.nullOutputStream()));
      assertEquals(List.of(), blockFiles());
      reopened.remove(cid);   // again: absent is fine
    }

    @Test
    void remove_blocksSharedWithOtherContent_keepsThem() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      byte[] a = pattern(3 * CHUNK);                       // leaves A0 A1 A2
      byte[] b = new byte[2 * CHUNK + 10];                 // leaves A0 A1 + its own tail
      System.arraycopy(a, 0, b, 0, 2 * CHUNK);
      String cidA = add(store, a).cid();
      String cidB = add(store, b).cid();
      String firstLeaf = add(store, java.util.Arrays.copyOf(a, CHUNK)).cid();   // = A0, added on its own
      assertEquals(3 + 1 + 1 + 1, blockFiles().size());   // A0 A1 A2 rootA, B-tail rootB

      store.remove(cidA);
      assertEquals(4, blockFiles().size(), "A2 and rootA gone, shared A0 A1 kept");
      assertArrayEquals(b, getBytes(store, cidB));
      assertArrayEquals(java.util.Arrays.copyOf(a, CHUNK), getBytes(store, firstLeaf));
      assertThrows(ContentNotFoundException.class, () -> store.get(cidA, OutputStream.nullOutputStream()));

      store.pin(cidB);
      Files.write(dir.resolve("roots").resolve(".cidB.swp"), new byte[] {1});   // a stray non-marker file
      store.remove(firstLeaf);                             // A0 is still used by pinned B
      assertArrayEquals(b, getBytes(store, cidB));
    }

    @Test
    void pin_contentWithMissingBlock_refusedNamingTheBlock() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      String cid = add(store, pattern(2 * CHUNK)).cid();
      Path leaf = blockFiles().stream().filter(p -> p.getFileName().toString().startsWith("bafkrei")).findFirst().orElseThrow();
      Files.delete(leaf);
      StorageException e = assertThrows(StorageException.class, () -> store.pin(cid));
      assertEquals("local block store is missing block " + leaf.getFileName() + " of cid " + cid
          + "; the content is incomplete: add it again", e.getMessage());
      assertFalse(e instanceof ContentNotFoundException);
      store.add(new ByteArrayInputStream(pattern(2 * CHUNK)));   // adding again repairs it
      store.pin(cid);
    }
  }

  @Nested
  class Durability {
    @Test
    void get_flippedByteInLeaf_nonRetryableCorruptionError() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      String cid = add(store, pattern(2 * CHUNK)).cid();
      Path leaf = blockFiles().stream().filter(p -> p.getFileName().toString().startsWith("bafkrei")).findFirst().orElseThrow();
      byte[] bytes = Files.readAllBytes(leaf);
      bytes[1000] ^= 1;
      Files.write(leaf, bytes);
      StorageException e = assertThrows(StorageException.class, () -> store.get(cid, OutputStream.nullOutputStream()));
      assertFalse(e.retryable());
      assertTrue(e.getMessage().startsWith("local block store block " + leaf.getFileName() + " of cid " + cid
          + " is corrupt: its sha2-256 is "), e.getMessage());
    }

    @Test
    void open_tempFilesLeftByCrash_deleted() throws Exception {
      LocalBlockStore.open(dir).close(); // the process that ran the store is gone
      Files.write(dir.resolve("tmp").resolve("bafkreiabc123.tmp"), new byte[] {1, 2, 3});
      LocalBlockStore store = LocalBlockStore.open(dir);
      try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
        assertEquals(0, s.count());
      }
      assertEquals(BackendHealth.Status.HEALTHY, store.health().status());
    }

    @Test
    void open_whileAnotherOpenerRunsTheStore_keepsItsTempFilesThenCleansAfterItCloses() throws Exception {
      LocalBlockStore runner = LocalBlockStore.open(dir);
      Path inFlight = dir.resolve("tmp").resolve("bafkreiinflight.tmp");
      Files.write(inFlight, new byte[] {1, 2, 3}); // a block the runner is writing right now
      LocalBlockStore second = LocalBlockStore.open(dir); // e.g. a process about to lose the WAL lock race
      assertTrue(Files.exists(inFlight), "a second opener must not delete the runner's block in flight");
      second.close();
      runner.close();
      LocalBlockStore.open(dir).close();
      assertFalse(Files.exists(inFlight), "with no runner left it is a crash's leftover");
    }

    @Test
    void health_blockDirectoryUnusable_unhealthyWithoutThrowing() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      assertEquals(BackendHealth.healthy("local block store at " + dir + " is writable"), store.health());
      Files.delete(dir.resolve("tmp"));
      Files.write(dir.resolve("tmp"), new byte[0]);   // a file where the temp directory must be
      BackendHealth h = store.health();
      assertEquals(BackendHealth.Status.UNHEALTHY, h.status());
      assertTrue(h.detail().startsWith("local block store at " + dir + " is not writable: "), h.detail());
      assertEquals("local", store.name());
    }

    @Test
    void add_unreadableInput_nonRetryableErrorAndStoreStillWorks() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      InputStream failing = new InputStream() {
        int left = CHUNK + 5;

        @Override
        public int read() throws IOException {
          if (left-- > 0) return 7;
          throw new IOException("disk went away");
        }
      };
      StorageException e = assertThrows(StorageException.class, () -> store.add(failing));
      assertFalse(e.retryable());
      assertEquals("reading the content to add failed after 262144 bytes: java.io.IOException: disk went away",
          e.getMessage());
      assertEquals("bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e",
          add(store, "hello world".getBytes(UTF_8)).cid());
    }
  }

  @Nested
  class Concurrency {
    @Test
    @Timeout(value = 60, unit = TimeUnit.SECONDS)
    void add_sameContentFromManyThreads_oneCidAndIntactBlocks() throws Exception {
      LocalBlockStore store = LocalBlockStore.open(dir);
      byte[] content = pattern(4 * CHUNK + 7);
      int threads = 8;
      CountDownLatch start = new CountDownLatch(1);
      ExecutorService pool = Executors.newFixedThreadPool(threads);
      try {
        List<Future<StoredContent>> results = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          results.add(pool.submit(() -> {
            start.await();
            return store.add(new ByteArrayInputStream(content));
          }));
        }
        start.countDown();
        Set<String> cids = new HashSet<>();
        for (Future<StoredContent> f : results) cids.add(f.get().cid());
        assertEquals(1, cids.size(), cids.toString());
        String cid = cids.iterator().next();
        // Then concurrent pins and reads of the same content.
        List<Future<byte[]>> reads = new ArrayList<>();
        for (int t = 0; t < threads; t++) reads.add(pool.submit(() -> {
          store.pin(cid);
          return getBytes(store, cid);
        }));
        for (Future<byte[]> r : reads) assertArrayEquals(content, r.get());
      } finally {
        pool.shutdownNow();
      }
      assertEquals(5 + 1, blockFiles().size());
      try (Stream<Path> s = Files.list(dir.resolve("tmp"))) {
        assertEquals(0, s.count(), "no temp file left behind");
      }
      for (Path block : blockFiles()) {
        Cid cid = Cid.parse(block.getFileName().toString());
        byte[] bytes = Files.readAllBytes(block);
        assertTrue(cid.matches(bytes, bytes.length), block.toString());
      }
    }
  }

  @Test
  void cid_textAndBinaryForms_roundTrip() {
    Cid c = Cid.of(Cid.DAG_PB, new byte[] {1, 2, 3}, 3);
    assertTrue(c.toString().startsWith("bafybei"), c.toString());
    assertEquals(c, Cid.parse(c.toString()));
    byte[] bin = c.bytes();
    assertEquals(36, bin.length);
    assertEquals(c, Cid.fromBytes(bin, 0, bin.length));
    assertEquals(Cid.RAW, Cid.parse(EMPTY_CID).codec());
    assertEquals("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855", Cid.parse(EMPTY_CID).digestHex());
  }

  /** The home's own files are owner-only: every folder 0700, every file 0600. */
  @Nested
  class Permissions {
    @Test
    void addAndPin_newStore_everyFolderAndFileOwnerOnly() throws Exception {
      Path blocks = dir.resolve("home/blocks");
      LocalBlockStore store = LocalBlockStore.open(blocks);
      StoredContent c = store.add(new PatternStream(3L * CHUNK)); // a dag-pb root and raw leaves in shards
      store.pin(c.cid());
      assertOwnerOnly(blocks);
      assertTrue(Files.exists(blocks.resolve("pins").resolve(c.cid())), "the pin marker is there");
    }

    @Test
    void open_storeMadeWithWiderModes_tightenedOnce() throws Exception {
      Path blocks = dir.resolve("blocks");
      LocalBlockStore store = LocalBlockStore.open(blocks);
      StoredContent c = store.add(new ByteArrayInputStream("hello".getBytes(UTF_8)));
      store.pin(c.cid());
      try (Stream<Path> all = Files.walk(blocks)) { // as a store made before stores were private
        for (Path p : all.toList())
          Files.setPosixFilePermissions(p, PosixFilePermissions.fromString(Files.isDirectory(p) ? "rwxr-xr-x" : "rw-r--r--"));
      }
      LocalBlockStore reopened = LocalBlockStore.open(blocks);
      assertOwnerOnly(blocks);
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      reopened.get(c.cid(), out);
      assertEquals("hello", out.toString(UTF_8));
    }

    private void assertOwnerOnly(Path blocks) throws IOException {
      List<String> wrong = new ArrayList<>();
      int files = 0;
      try (Stream<Path> all = Files.walk(blocks)) {
        for (Path p : all.toList()) {
          String mode = PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
          String want = Files.isDirectory(p, LinkOption.NOFOLLOW_LINKS) ? "rwx------" : "rw-------";
          if (!Files.isDirectory(p)) files++;
          if (!mode.equals(want)) wrong.add(blocks.relativize(p) + " " + mode);
        }
      }
      assertEquals(List.of(), wrong);
      assertTrue(files >= 2, "blocks and markers were checked, found " + files);
    }
  }
}
