package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.channels.FileLock;
import java.nio.channels.OverlappingFileLockException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashSet;
import java.util.LinkedHashSet;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The {@code local} backend: a content-addressed block store in a directory, giving every file the
 * same CID an IPFS node gives it with {@code ipfs add --cid-version=1 --raw-leaves}.
 *
 * <p><b>DAG layout, and why it matches Kubo.</b> The file is cut into fixed 262144-byte chunks
 * (Kubo's default chunker {@code size-262144}); each chunk is a raw block (CIDv1, codec raw 0x55,
 * sha2-256). A one-chunk file is that raw block alone ({@code bafkrei...}); an empty file is the raw
 * block of zero bytes. Longer files get the balanced tree of {@link BalancedFileLayout}: dag-pb
 * (0x70) nodes of at most 174 links (Kubo's {@code DefaultLinksPerBlock}) holding UnixFS {@code
 * Data{Type=File, filesize, blocksizes}}, encoded canonically by {@link UnixFsNode}; the root is a
 * {@code bafybei...} CID. These are exactly Kubo's rules for that command, and the same bytes give
 * the same blocks, so the same CIDs. {@code LocalBlockStoreTest} checks this against vectors made by
 * the reference JS importer (ipfs-unixfs-importer, configured like that command), up to a
 * two-level tree.
 *
 * <p><b>Files.</b> {@code <dir>/<xy>/<cid>} holds one block, {@code xy} being the CID's next-to-last
 * two characters (Kubo's flatfs {@code next-to-last/2}: the leading characters are the same for
 * every CID). {@code <dir>/roots/<cid>} marks content that {@link #add} stored; {@code
 * <dir>/pins/<cid>} marks a pin; both are empty files. {@code <dir>/tmp/} holds blocks being
 * written. One process opens a directory at a time. Every folder is 0700 and every file 0600
 * (block temp files are created 0600 and keep that mode when renamed); a store made before that is
 * tightened once, on the first open that finds its folder wider.
 *
 * <p><b>Invariants and durability.</b> A block file is complete and matches its CID: it is written
 * to {@code tmp/}, fsynced, then renamed into place (a concurrent add of the same block renames
 * identical bytes over it). Before {@code add} returns, every directory it renamed into is fsynced,
 * then the root marker is created and {@code roots/} fsynced; pin markers are fsynced the same way.
 * A crash leaves at most stray temp files (deleted on open) and unreferenced blocks (kept until
 * the same content is added and removed again: there is no garbage collector yet). Reads verify
 * each block's sha2-256.
 *
 * <p><b>Locks.</b> One read/write lock: {@code add}, {@code get}, {@code pin} and {@code unpin} share
 * the read lock (they never delete, so any number run at once); {@code remove} takes the write lock
 * so that no add can re-use a block while it is being deleted.
 *
 * <p><b>Choices.</b> {@code add} does not pin (unlike {@code ipfs add}); pin explicitly. {@code
 * remove} refuses a pinned CID (unpin first) and otherwise deletes the blocks of that CID's DAG that
 * no other added or pinned root still uses, walking those roots' dag-pb nodes (raw leaves are never
 * read for this; one node per 174 chunks, so the walk is small next to the data, but it grows with
 * the number of stored roots). An invalid CID string is a {@link StorageErrorClass#PERMANENT} {@link StorageException} whose message
 * names {@code cid}, the rule and the value, from every method; an unknown CID is a {@link
 * ContentNotFoundException} from {@code get}, {@code pin} and {@code unpin}, and a no-op for {@code
 * remove} (per {@link StorageBackend#remove}). Failing disk I/O in the store is {@link
 * StorageErrorClass#TRANSIENT}; a corrupt or missing block, a pinned CID to remove and an unreadable
 * input stream are {@link StorageErrorClass#PERMANENT}.
 */
public final class LocalBlockStore implements StorageBackend {
  private static final Logger LOG = LoggerFactory.getLogger(LocalBlockStore.class);
  private static final String NAME = "local";
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> DIR_0700 = PosixFilePermissions.fromString("rwx------");
  private static final Set<PosixFilePermission> FILE_0600 = PosixFilePermissions.fromString("rw-------");
  private static final FileAttribute<Set<PosixFilePermission>> DIR_ATTR = PosixFilePermissions.asFileAttribute(DIR_0700);
  private static final FileAttribute<Set<PosixFilePermission>> FILE_ATTR = PosixFilePermissions.asFileAttribute(FILE_0600);

  private final Path directory;
  private final Path roots;
  private final Path pins;
  private final Path tmp;
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Held open while this process runs the store (see {@link #open}); null for a reader or a second opener. */
  private volatile FileChannel runnerLock;

  private LocalBlockStore(Path directory) {
    this.directory = directory;
    this.roots = directory.resolve("roots");
    this.pins = directory.resolve("pins");
    this.tmp = directory.resolve("tmp");
  }

  /**
   * Opens (creating if needed) the block store in {@code directory}, e.g. {@code <home>/blocks}, and
   * deletes temp files a crash left behind &mdash; only when no other live opener holds the store's
   * runner lock (then they may be that process's blocks in flight). {@link #close()} releases it.
   */
  public static LocalBlockStore open(Path directory) throws IOException {
    requireNonNull(directory, "directory");
    LocalBlockStore store = new LocalBlockStore(directory);
    boolean wasWider = createPrivateDirectory(directory);
    for (Path d : new Path[] {store.roots, store.pins, store.tmp}) createPrivateDirectory(d);
    if (wasWider) store.tightenOlderFiles();
    fsyncDirectory(directory);
    // Temp files are a crash's leftovers only when no live process runs the store: the one that does holds
    // RUNNER_LOCK for its lifetime. A second opener (a process about to lose the WAL lock race, a test with
    // two stores on one folder) must not delete the runner's blocks in flight.
    Set<StandardOpenOption> createWrite = Set.of(StandardOpenOption.CREATE, StandardOpenOption.WRITE);
    FileChannel ch = POSIX ? FileChannel.open(directory.resolve(RUNNER_LOCK), createWrite, FILE_ATTR)
        : FileChannel.open(directory.resolve(RUNNER_LOCK), createWrite);
    if (POSIX) Files.setPosixFilePermissions(directory.resolve(RUNNER_LOCK), FILE_0600); // also one made wider before
    FileLock held;
    try {
      held = ch.tryLock();
    } catch (OverlappingFileLockException sameJvm) {
      held = null;
    } catch (IOException e) {
      ch.close();
      throw e;
    }
    if (held == null) {
      ch.close();
      return store;
    }
    store.runnerLock = ch;
    try (DirectoryStream<Path> leftovers = Files.newDirectoryStream(store.tmp)) {
      for (Path p : leftovers) {
        LOG.warn("Deleting unfinished block file {} left by a crash", p);
        Files.delete(p);
      }
    }
    return store;
  }

  /** Name of the file whose lock the process running the store holds (see {@link #open}). */
  static final String RUNNER_LOCK = "RUNNER.lock";

  /** Lets another process run the store (and clean its crash leftovers). */
  @Override
  public void close() {
    FileChannel ch = runnerLock;
    runnerLock = null;
    if (ch == null) return;
    try {
      ch.close(); // releases the lock
    } catch (IOException e) {
      LOG.warn("could not release {}: {}", directory.resolve(RUNNER_LOCK), e.toString());
    }
  }

  /**
   * A reader of the block store in {@code directory} for a process that does not run it (another
   * process owns the write-ahead log and so the store): creates, tightens and deletes nothing, so it
   * never touches the owner's unfinished temp files. Only {@link #get} and {@link #health} may be
   * called on it.
   */
  public static LocalBlockStore openForReading(Path directory) {
    return new LocalBlockStore(requireNonNull(directory, "directory"));
  }

  // ------------------------------------------------------------------ permissions

  /**
   * Creates {@code dir} (and missing parents) owner-only (0700), or makes an existing one 0700;
   * returns whether it existed with a wider mode (a store made before stores were private).
   */
  private static boolean createPrivateDirectory(Path dir) throws IOException {
    if (!POSIX) {
      Files.createDirectories(dir);
      return false;
    }
    if (!Files.isDirectory(dir)) {
      Path parent = dir.toAbsolutePath().getParent();
      if (parent != null) Files.createDirectories(parent);
      try {
        Files.createDirectory(dir, DIR_ATTR);
      } catch (FileAlreadyExistsException concurrentlyCreated) {
        // fall through to the mode check
      }
    }
    Set<PosixFilePermission> mode = Files.getPosixFilePermissions(dir, LinkOption.NOFOLLOW_LINKS);
    if (mode.equals(DIR_0700)) return false;
    Files.setPosixFilePermissions(dir, DIR_0700);
    return true;
  }

  /**
   * One walk when an older, wider store is opened: shard folders to 0700, marker and block files to
   * 0600. Later opens find the store folder 0700 and skip it; new files are created private.
   */
  private void tightenOlderFiles() throws IOException {
    LOG.info("Making the block store at {} owner-only (folders rwx------, files rw-------)", directory);
    try (DirectoryStream<Path> entries = Files.newDirectoryStream(directory)) {
      for (Path e : entries) {
        if (!Files.isDirectory(e, LinkOption.NOFOLLOW_LINKS)) continue;
        Files.setPosixFilePermissions(e, DIR_0700);
        try (DirectoryStream<Path> files = Files.newDirectoryStream(e)) {
          for (Path f : files)
            if (Files.isRegularFile(f, LinkOption.NOFOLLOW_LINKS)) Files.setPosixFilePermissions(f, FILE_0600);
        }
      }
    }
  }

  @Override
  public String name() {
    return NAME;
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    requireNonNull(content, "content");
    lock.readLock().lock();
    try {
      Set<Path> renamedInto = new HashSet<>();
      BalancedFileLayout layout = new BalancedFileLayout((cid, block, length) -> writeBlock(cid, block, length, renamedInto));
      byte[] chunk = new byte[BalancedFileLayout.CHUNK_BYTES];
      long size = 0;
      boolean first = true;
      while (true) {
        int n;
        try {
          n = content.readNBytes(chunk, 0, chunk.length);
        } catch (IOException e) {
          throw new StorageException("reading the content to add failed after " + size + " bytes: " + e, StorageErrorClass.PERMANENT, e);
        }
        if (n == 0 && !first) break;                 // an empty file still has one (empty) chunk
        layout.addChunk(chunk, n);
        size += n;
        first = false;
        if (n < chunk.length) break;
      }
      Cid root = layout.finish().cid();
      for (Path dir : renamedInto) fsyncDirectory(dir);
      createMarker(roots, root);
      return new StoredContent(root.toString(), size);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new StorageException("local block store at " + directory + " could not store content: " + e, StorageErrorClass.TRANSIENT, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    Cid root = parse(cid);
    requireNonNull(out, "out");
    lock.readLock().lock();
    try {
      write(root, root, out);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void pin(String cid) throws StorageException {
    Cid root = parse(cid);
    lock.readLock().lock();
    try {
      // Pin only complete content: every block of the DAG must be here.
      Deque<Cid> todo = new ArrayDeque<>();
      todo.push(root);
      while (!todo.isEmpty()) {
        Cid c = todo.pop();
        if (c.isRaw()) {
          if (!Files.exists(blockPath(c))) throw missing(c, root);
        } else {
          for (UnixFsNode.Link l : node(c, root).links()) todo.push(l.cid());
        }
      }
      createMarker(pins, root);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new StorageException("local block store could not pin cid " + root + ": " + e, StorageErrorClass.TRANSIENT, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void unpin(String cid) throws StorageException {
    Cid root = parse(cid);
    lock.readLock().lock();
    try {
      if (Files.deleteIfExists(pins.resolve(root.toString()))) {
        fsyncDirectory(pins);
      } else if (!Files.exists(blockPath(root))) {
        throw new ContentNotFoundException(NAME, root.toString());
      }
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new StorageException("local block store could not unpin cid " + root + ": " + e, StorageErrorClass.TRANSIENT, e);
    } finally {
      lock.readLock().unlock();
    }
  }

  @Override
  public void remove(String cid) throws StorageException {
    Cid root = parse(cid);
    lock.writeLock().lock();
    try {
      if (Files.exists(pins.resolve(root.toString())))
        throw new StorageException("cid " + root + " is pinned in the local block store; unpin it before removing it",
            StorageErrorClass.PERMANENT);
      if (Files.deleteIfExists(roots.resolve(root.toString()))) fsyncDirectory(roots);
      if (!Files.exists(blockPath(root))) return;

      Set<Cid> live = new HashSet<>();
      for (Path markers : new Path[] {roots, pins}) {
        try (DirectoryStream<Path> s = Files.newDirectoryStream(markers)) {
          for (Path m : s) {
            Cid other;
            try {
              other = Cid.parse(m.getFileName().toString());
            } catch (IllegalArgumentException notAMarker) {
              LOG.warn("Ignoring {}: not a CID marker file ({})", m, notAMarker.getMessage());
              continue;
            }
            reachable(other, live);
          }
        }
      }
      Set<Cid> mine = new LinkedHashSet<>();
      reachable(root, mine);
      Set<Path> touched = new HashSet<>();
      for (Cid c : mine) {
        if (live.contains(c)) continue;
        if (Files.deleteIfExists(blockPath(c))) touched.add(blockPath(c).getParent());
      }
      for (Path dir : touched) fsyncDirectory(dir);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw new StorageException("local block store could not remove cid " + root + ": " + e, StorageErrorClass.TRANSIENT, e);
    } finally {
      lock.writeLock().unlock();
    }
  }

  @Override
  public BackendHealth health() {
    try {
      Path probe = Files.createTempFile(tmp, "health", ".probe");
      try (FileChannel ch = FileChannel.open(probe, StandardOpenOption.WRITE)) {
        ch.write(ByteBuffer.wrap(new byte[] {1}));
      } finally {
        Files.delete(probe);
      }
      return BackendHealth.healthy("local block store at " + directory + " is writable");
    } catch (IOException | RuntimeException e) {
      return BackendHealth.unhealthy("local block store at " + directory + " is not writable: " + e);
    }
  }

  // ------------------------------------------------------------------ blocks

  private static Cid parse(String cid) throws StorageException {
    try {
      return Cid.parse(cid);
    } catch (IllegalArgumentException e) {
      throw new StorageException(e.getMessage(), StorageErrorClass.PERMANENT, e);
    }
  }

  private Path blockPath(Cid cid) {
    String text = cid.toString();
    return directory.resolve(text.substring(text.length() - 3, text.length() - 1)).resolve(text);
  }

  /** temp file → write → fsync → rename into place; the caller fsyncs {@code renamedInto}. */
  private void writeBlock(Cid cid, byte[] block, int length, Set<Path> renamedInto) throws IOException {
    Path target = blockPath(cid);
    if (Files.exists(target)) return;
    Path shard = target.getParent();
    if (!Files.isDirectory(shard)) {
      createPrivateDirectory(shard);
      fsyncDirectory(directory);
    }
    Path temp = Files.createTempFile(tmp, cid.toString(), ".tmp");
    try {
      try (FileChannel ch = FileChannel.open(temp, StandardOpenOption.WRITE)) {
        ByteBuffer buf = ByteBuffer.wrap(block, 0, length);
        while (buf.hasRemaining()) ch.write(buf);
        ch.force(true);
      }
      Files.move(temp, target, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } catch (IOException e) {
      try {
        Files.deleteIfExists(temp);
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
    renamedInto.add(shard);
  }

  /** Reads and verifies a block of {@code root}'s DAG. */
  private byte[] readBlock(Cid cid, Cid root) throws StorageException {
    byte[] block;
    try {
      block = Files.readAllBytes(blockPath(cid));
    } catch (NoSuchFileException e) {
      throw missing(cid, root);
    } catch (IOException e) {
      throw new StorageException("local block store could not read block " + cid + " of cid " + root + ": " + e, StorageErrorClass.TRANSIENT, e);
    }
    if (!cid.matches(block, block.length))
      throw new StorageException("local block store block " + cid + " of cid " + root + " is corrupt: its sha2-256 is "
          + Cid.of(cid.codec(), block, block.length).digestHex() + ", not " + cid.digestHex()
          + "; remove it and add the content again", StorageErrorClass.PERMANENT);
    return block;
  }

  private StorageException missing(Cid cid, Cid root) {
    if (cid.equals(root)) return new ContentNotFoundException(NAME, root.toString());
    return new StorageException("local block store is missing block " + cid + " of cid " + root
        + "; the content is incomplete: add it again", StorageErrorClass.PERMANENT);
  }

  private UnixFsNode node(Cid cid, Cid root) throws StorageException {
    byte[] block = readBlock(cid, root);
    try {
      return UnixFsNode.decode(block, block.length);
    } catch (IllegalArgumentException e) {
      throw new StorageException("local block store block " + cid + " of cid " + root
          + " is not a UnixFS file node: " + e.getMessage(), StorageErrorClass.PERMANENT, e);
    }
  }

  /** Writes {@code cid}'s file bytes to {@code out}, depth first, one block in memory per level. */
  private void write(Cid cid, Cid root, OutputStream out) throws StorageException {
    if (cid.isRaw()) {
      emit(readBlock(cid, root), root, out);
      return;
    }
    UnixFsNode node = node(cid, root);
    emit(node.inlineData(), root, out);
    for (UnixFsNode.Link l : node.links()) write(l.cid(), root, out);
  }

  private static void emit(byte[] bytes, Cid root, OutputStream out) throws StorageException {
    try {
      out.write(bytes);
    } catch (IOException e) {
      throw new StorageException("writing the content of cid " + root + " to the output failed: " + e, StorageErrorClass.TRANSIENT, e);
    }
  }

  /** Adds every block of {@code root}'s DAG that is present to {@code into}. */
  private void reachable(Cid root, Set<Cid> into) throws StorageException {
    Deque<Cid> todo = new ArrayDeque<>();
    todo.push(root);
    while (!todo.isEmpty()) {
      Cid c = todo.pop();
      if (!into.add(c) || c.isRaw() || !Files.exists(blockPath(c))) continue;
      for (UnixFsNode.Link l : node(c, root).links()) todo.push(l.cid());
    }
  }

  private static void createMarker(Path markers, Cid cid) throws IOException {
    try {
      if (POSIX) Files.createFile(markers.resolve(cid.toString()), FILE_ATTR);
      else Files.createFile(markers.resolve(cid.toString()));
    } catch (FileAlreadyExistsException alreadyThere) {
      return;
    }
    fsyncDirectory(markers);
  }

  private static void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  @Override
  public String toString() {
    return "LocalBlockStore[" + directory + "]";
  }
}
