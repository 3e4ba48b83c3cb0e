package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.DirectoryStream;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Instant;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.Collections;
import java.util.EnumMap;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.PriorityQueue;
import java.util.Set;
import java.util.concurrent.locks.ReentrantReadWriteLock;
import java.util.function.Predicate;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.apache.hadoop.conf.Configuration;
import org.apache.parquet.conf.ParquetConfiguration;
import org.apache.parquet.conf.PlainParquetConfiguration;
import org.apache.parquet.hadoop.ParquetFileWriter;
import org.apache.parquet.hadoop.ParquetReader;
import org.apache.parquet.hadoop.ParquetWriter;
import org.apache.parquet.hadoop.api.ReadSupport;
import org.apache.parquet.hadoop.api.WriteSupport;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;
import org.apache.parquet.io.InputFile;
import org.apache.parquet.io.LocalInputFile;
import org.apache.parquet.io.LocalOutputFile;
import org.apache.parquet.io.OutputFile;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The archive of finished (terminal) operations: Parquet partitions {@code
 * partitions/wal_<epochMillis>_<sequence>.parquet} of at most {@code partitionSize} rows each, in the
 * schema of {@link OperationParquetSchema} (standard Parquet, ZSTD pages with CRCs; DuckDB's
 * {@code read_parquet('partitions/*.parquet')} and pandas' {@code read_parquet} read the directory
 * as one table).
 *
 * <p><b>Invariants.</b> (1) A partition file is only ever created or replaced whole: rows go to a
 * hidden temp file {@code .<name>.tmp}, which is fsynced, renamed onto its final name, and then the
 * directory is fsynced; a crash leaves either the old file, the new file, or a stray temp file that
 * {@link #ParquetArchive opening} deletes. (2) Names never collide: {@code <sequence>} is one more
 * than the largest sequence in the directory (found on open), increases on every new file and
 * skips any name that exists, so many files per millisecond and restarts are safe; the millisecond
 * only makes names sort by age. A rewrite ({@link #deleteOlderThan}, replacing a row) keeps the file's
 * name. (3) An operation id appears in at most one row of the whole archive: archiving an id again
 * with an identical row is a no-op (the WAL may replay an archive step after a crash) and with a
 * different row replaces the old row. The old row is removed first and the new one written after,
 * so a crash in between loses the row only from the archive, never from the WAL, which re-archives
 * it on replay because {@code archive} had not returned.
 *
 * <p><b>Index.</b> Opening reads every partition once and keeps, per partition, its row count,
 * timestamp range, oldest completion time, statuses, backends and the sorted 64-bit hashes of its
 * operation ids (8 bytes a row). {@link #find} reads only partitions whose hashes match; {@link
 * #query} reads partitions newest first and stops once no further partition can hold a newer row;
 * {@link #deleteOlderThan} reads only partitions old enough to hold a victim. The decoded rows of
 * the {@value #RECENT_PARTITIONS} most recently written or read partitions stay in memory, so
 * asking about operations that just finished costs no I/O.
 *
 * <p><b>Locks.</b> One read/write lock guards the index and the directory: {@code archive}, {@code
 * deleteOlderThan} and {@code close} take the write lock, {@code find}, {@code query}, {@code count}
 * take the read lock. Readers may read a file while no writer runs, so they never see a half-made
 * index. The instance is thread-safe; one process owns a directory (the WAL's lock file).
 *
 * <p><b>Failures.</b> A failed write deletes its temp file and leaves the index untouched. A failed
 * fsync is never retried: the instance fails closed (every later call throws) and must be reopened,
 * which rebuilds the index from the files actually on disk. Every page carries a CRC that reads
 * verify. Opening decodes only the columns the index needs ({@code operation_id, backend, status,
 * timestamp, updated_at, completed_at}); a partition whose footer or those columns are damaged
 * stops the open with an error naming the file (nothing is deleted or skipped silently), and
 * damage in another column is reported, naming the file, by the call that reads that partition.
 */
final class ParquetArchive implements OperationArchive {
  private static final Logger LOG = LoggerFactory.getLogger(ParquetArchive.class);
  private static final Pattern PARTITION_NAME = Pattern.compile("wal_(\\d+)_(\\d+)\\.parquet");
  private static final String TEMP_SUFFIX = ".tmp";
  private static final CompressionCodecName CODEC = CompressionCodecName.ZSTD;
  /** Partitions whose decoded rows stay in memory (at most this many times partitionSize rows). */
  private static final int RECENT_PARTITIONS = 8;
  /** Newest first; ties broken by id so that paging is stable. */
  private static final Comparator<Operation> NEWEST_FIRST =
      Comparator.comparing(Operation::timestamp).reversed().thenComparing(Operation::operationId);

  private final Path directory;
  private final WalIo io;
  private final int partitionSize;
  private final Clock clock;
  private final ArchiveCodecs codecs = new ArchiveCodecs();
  private final ReentrantReadWriteLock lock = new ReentrantReadWriteLock();
  /** Guarded by lock. Partition file name → its index entry. */
  private final Map<String, Partition> partitions = new HashMap<>();
  /**
   * The rows of the most recently written or read partitions (the newest operations are the ones
   * asked for most). Guarded by its own monitor, since readers fill it under the shared read lock;
   * entries change only under the write lock, so a reader never caches rows a writer replaced.
   */
  private final Map<String, List<Operation>> recent = new LinkedHashMap<>(16, 0.75f, true) {
    private static final long serialVersionUID = 1L;

    @Override
    protected boolean removeEldestEntry(Map.Entry<String, List<Operation>> eldest) {
      return size() > RECENT_PARTITIONS;
    }
  };
  /** Guarded by the write lock. Sequence number of the next new partition file. */
  private long nextSequence;
  /** Guarded by lock. Set when an fsync failed or on close; every later call throws. */
  private volatile String unusableReason;

  /**
   * Opens (creating if needed) the archive in {@code partitionsDirectory}, deletes temp files left
   * by a crash, and indexes every partition.
   *
   * @throws IllegalArgumentException if {@code partitionSize < 1}
   * @throws IOException if the directory cannot be created or a partition cannot be read
   */
  ParquetArchive(Path partitionsDirectory, int partitionSize) throws IOException {
    this(partitionsDirectory, partitionSize, Clock.systemUTC());
  }

  ParquetArchive(Path partitionsDirectory, int partitionSize, Clock clock) throws IOException {
    this(partitionsDirectory, partitionSize, clock, WalIo.REAL);
  }

  /** @param io renames, fsyncs and deletes partition files ({@link WalIo#REAL} unless a test models power loss) */
  ParquetArchive(Path partitionsDirectory, int partitionSize, Clock clock, WalIo io) throws IOException {
    requireNonNull(partitionsDirectory, "partitionsDirectory");
    requireNonNull(clock, "clock");
    requireNonNull(io, "io");
    this.io = io;
    if (partitionSize < 1)
      throw new IllegalArgumentException("partitionSize must be >= 1, but was " + partitionSize);
    this.directory = partitionsDirectory;
    this.partitionSize = partitionSize;
    this.clock = clock;
    WalFiles.createPrivateDirectories(io, directory);
    WalFiles.restrictDirectoryToOwner(directory);
    recover();
  }

  /**
   * Durably archives terminal operations: when this returns, every row is in a fsynced partition
   * file. Operations already archived with an identical row are skipped; with a different row the
   * old row is replaced (see the class comment).
   *
   * @throws IllegalArgumentException if an operation is not terminal or an id occurs twice in the list
   */
  @Override
  public void archive(List<Operation> terminal) throws IOException {
    requireNonNull(terminal, "terminal");
    Map<String, Operation> byId = new LinkedHashMap<>();
    for (int i = 0; i < terminal.size(); i++) {
      Operation op = requireNonNull(terminal.get(i), "terminal[" + i + "]");
      if (!op.status().isTerminal())
        throw new IllegalArgumentException("terminal[" + i + "].status must be completed, failed or cancelled, but was '"
            + op.status().wireName() + "' (operation_id " + op.operationId() + ")");
      if (byId.put(op.operationId(), truncateToMicros(op)) != null)
        throw new IllegalArgumentException("terminal must hold each operation_id once, but "
            + op.operationId() + " occurs twice (second at index " + i + ")");
    }
    lock.writeLock().lock();
    try {
      ensureUsable();
      // Ids already archived: drop identical rows from the batch, remove differing old rows.
      Set<Partition> candidates = new LinkedHashSet<>();
      for (String id : byId.keySet()) {
        long h = idHash(id);
        for (Partition p : partitions.values()) {
          if (p.mayContain(h)) candidates.add(p);
        }
      }
      for (Partition p : candidates) {
        List<Operation> rows = rows(p.name());
        List<Operation> keep = new ArrayList<>(rows.size());
        for (Operation row : rows) {
          Operation incoming = byId.get(row.operationId());
          if (incoming == null) {
            keep.add(row);
          } else if (incoming.equals(row)) {
            byId.remove(row.operationId());
            keep.add(row);
          }
        }
        if (keep.size() != rows.size()) rewrite(p, keep);
      }
      List<Operation> rows = new ArrayList<>(byId.values());
      for (int from = 0; from < rows.size(); from += partitionSize) {
        writeNew(rows.subList(from, Math.min(rows.size(), from + partitionSize)));
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** The archived row of this operation, if any. */
  @Override
  public Optional<Operation> find(String operationId) throws IOException {
    requireNonNull(operationId, "operationId");
    long h = idHash(operationId);
    lock.readLock().lock();
    try {
      ensureUsable();
      for (Partition p : partitions.values()) {
        if (!p.mayContain(h)) continue;
        for (Operation op : rows(p.name())) {
          if (op.operationId().equals(operationId)) return Optional.of(op);
        }
      }
      return Optional.empty();
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * The newest {@code q.offset() + q.limit()} archived operations matching {@code q}'s status and
   * backend, newest {@code timestamp} first (ties by id). The offset is not skipped here: the log
   * merges these rows with its live operations and applies the offset to the merged list, which is
   * only correct if each source gives its first {@code offset + limit} rows ({@link
   * OperationArchive#query}).
   */
  @Override
  public List<Operation> query(OperationQuery q) throws IOException {
    requireNonNull(q, "q");
    int wanted = q.offset() + q.limit();
    lock.readLock().lock();
    try {
      ensureUsable();
      List<Partition> newestFirst = partitions.values().stream()
          .filter(p -> (q.status() == null || p.statuses().contains(q.status()))
              && (q.backend() == null || p.backends().contains(q.backend())))
          .sorted(Comparator.comparing(Partition::maxTimestamp).reversed())
          .toList();
      // Min-heap of the best `wanted` rows so far; its head is the worst of them.
      PriorityQueue<Operation> best = new PriorityQueue<>(NEWEST_FIRST.reversed());
      for (Partition p : newestFirst) {
        if (best.size() == wanted && p.maxTimestamp().isBefore(best.peek().timestamp())) break;
        for (Operation op : rows(p.name())) {
          if (!q.matches(op)) continue;
          best.add(op);
          if (best.size() > wanted) best.poll();
        }
      }
      List<Operation> sorted = new ArrayList<>(best);
      sorted.sort(NEWEST_FIRST);
      return List.copyOf(sorted);
    } finally {
      lock.readLock().unlock();
    }
  }

  /**
   * Removes rows finished before {@code cutoff}: {@code completed_at < cutoff}, or {@code
   * updated_at < cutoff} for rows without {@code completed_at}; only rows with {@code statusOrNull}
   * when it is not null. Each affected partition is rewritten atomically (or deleted when empty).
   *
   * @return how many rows were removed
   */
  @Override
  public int deleteOlderThan(Instant cutoff, OperationStatus statusOrNull) throws IOException {
    requireNonNull(cutoff, "cutoff");
    Predicate<Operation> victim = op -> finishedAt(op).isBefore(cutoff)
        && (statusOrNull == null || op.status() == statusOrNull);
    lock.writeLock().lock();
    try {
      ensureUsable();
      int removed = 0;
      for (Partition p : List.copyOf(partitions.values())) {
        if (!p.oldestFinish().isBefore(cutoff)) continue;
        if (statusOrNull != null && !p.statuses().contains(statusOrNull)) continue;
        List<Operation> rows = rows(p.name());
        List<Operation> keep = rows.stream().filter(victim.negate()).toList();
        if (keep.size() == rows.size()) continue;
        rewrite(p, keep);
        removed += rows.size() - keep.size();
      }
      return removed;
    } finally {
      lock.writeLock().unlock();
    }
  }

  /** Rows in the archive per status (terminal statuses only ever appear). */
  @Override
  public Map<OperationStatus, Long> countByStatus() {
    lock.readLock().lock();
    try {
      ensureUsable();
      Map<OperationStatus, Long> counts = new EnumMap<>(OperationStatus.class);
      for (Partition p : partitions.values()) {
        p.statusCounts().forEach((status, n) -> counts.merge(status, (long) n, Long::sum));
      }
      return counts;
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Rows in the archive. */
  @Override
  public long count() {
    lock.readLock().lock();
    try {
      ensureUsable();
      return partitions.values().stream().mapToLong(Partition::rows).sum();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Partition files in the archive. */
  @Override
  public int partitionCount() {
    lock.readLock().lock();
    try {
      ensureUsable();
      return partitions.size();
    } finally {
      lock.readLock().unlock();
    }
  }

  /** Idempotent. Later calls of any other method throw {@link IllegalStateException}. */
  @Override
  public void close() {
    lock.writeLock().lock();
    try {
      if (unusableReason == null) unusableReason = "the archive in " + directory + " is closed";
      partitions.clear();
      synchronized (recent) {
        recent.clear();
      }
    } finally {
      lock.writeLock().unlock();
    }
  }

  // ---------------------------------------------------------------- open / recovery

  private void recover() throws IOException {
    boolean removedTemp = false;
    long maxSequence = -1;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(directory)) {
      for (Path file : files) {
        String name = file.getFileName().toString();
        if (name.startsWith(".") && name.endsWith(TEMP_SUFFIX)) {
          // Invariant 1: a temp file is an unfinished write; its rows are still in the WAL.
          LOG.warn("Deleting unfinished WAL archive file {} ({} bytes) left by a crash", file, Files.size(file));
          Files.delete(file);
          removedTemp = true;
          continue;
        }
        Matcher m = PARTITION_NAME.matcher(name);
        if (!m.matches()) continue;
        WalFiles.restrictToOwnerIfWider(file); // partitions written before the archive was private
        maxSequence = Math.max(maxSequence, Long.parseLong(m.group(2)));
        List<OperationReadSupport.Summary> rows;
        try {
          rows = read(name, OperationReadSupport.summaries());
        } catch (IOException e) {
          throw new IOException(e.getMessage() + "; move it out of " + directory + " to open the archive without it", e);
        }
        if (!rows.isEmpty()) partitions.put(name, Partition.ofSummaries(name, rows));
      }
    }
    if (removedTemp) fsyncDirectory();
    nextSequence = maxSequence + 1;
  }

  // ---------------------------------------------------------------- writing

  /** Guarded by the write lock. */
  private void writeNew(List<Operation> rows) throws IOException {
    String name;
    do {
      name = "wal_" + clock.millis() + "_" + nextSequence++ + ".parquet";
    } while (Files.exists(directory.resolve(name)));
    install(name, rows, false);
    partitions.put(name, Partition.of(name, rows));
    cache(name, rows);
  }

  /** Guarded by the write lock. {@code rows == null} forgets the partition. */
  private void cache(String name, List<Operation> rows) {
    synchronized (recent) {
      if (rows == null) recent.remove(name);
      else recent.put(name, List.copyOf(rows));
    }
  }

  /** Guarded by the write lock. Replaces a partition with the given rows, or deletes it if none. */
  private void rewrite(Partition p, List<Operation> keep) throws IOException {
    cache(p.name(), null);
    if (keep.isEmpty()) {
      Path gone = directory.resolve(p.name());
      if (!io.deleteIfExists(gone)) throw new java.nio.file.NoSuchFileException(gone.toString());
      partitions.remove(p.name());
      fsyncDirectory();
    } else {
      install(p.name(), keep, true);
      partitions.put(p.name(), Partition.of(p.name(), keep));
      cache(p.name(), keep);
    }
  }

  /** temp file → write → fsync → rename onto {@code name} → fsync directory. */
  private void install(String name, List<Operation> rows, boolean replace) throws IOException {
    Path target = directory.resolve(name);
    Path temp = directory.resolve("." + name + TEMP_SUFFIX);
    try {
      Files.deleteIfExists(temp);
      WalFiles.createPrivateFile(temp); // 0600 from the start; OVERWRITE truncates it and keeps the mode
      try (ParquetWriter<Operation> writer = new WriterBuilder(new LocalOutputFile(temp))
          .withConf(new PlainParquetConfiguration())
          .withCodecFactory(codecs)
          .withCompressionCodec(CODEC)
          .withWriteMode(ParquetFileWriter.Mode.OVERWRITE)
          .withPageWriteChecksumEnabled(true)
          .build()) {
        for (Operation op : rows) writer.write(op);
      }
    } catch (IOException | RuntimeException e) {
      deleteQuietly(temp, e);
      throw e;
    }
    fsync(temp, () -> deleteQuietly(temp, null));
    if (!replace && Files.exists(target)) {
      deleteQuietly(temp, null);
      throw new FileAlreadyExistsException(target.toString(), null, "WAL archive partition names must never collide");
    }
    io.atomicMove(temp, target, true);
    fsyncDirectory();
  }

  private void fsync(Path file, Runnable onFailure) throws IOException {
    try (FileChannel ch = io.open(file, StandardOpenOption.WRITE)) {
      ch.force(true);
    } catch (IOException e) {
      onFailure.run();
      throw failClosed("fsync of " + file, e);
    }
  }

  private void fsyncDirectory() throws IOException {
    try {
      io.fsyncDirectory(directory);
    } catch (IOException e) {
      throw failClosed("fsync of directory " + directory, e);
    }
  }

  /** Never retry an fsync: after a failure the page cache may lie about what is on disk. */
  private IOException failClosed(String what, IOException cause) {
    unusableReason = what + " failed (" + cause + "); the archive refuses further calls: reopen it";
    partitions.clear();
    synchronized (recent) {
      recent.clear();
    }
    return new IOException(unusableReason, cause);
  }

  private static void deleteQuietly(Path temp, Throwable primary) {
    try {
      Files.deleteIfExists(temp);
    } catch (IOException e) {
      if (primary != null) primary.addSuppressed(e);
      else LOG.warn("Could not delete WAL archive temp file {}; it is removed on the next open", temp, e);
    }
  }

  private void ensureUsable() {
    String reason = unusableReason;
    if (reason != null) throw new IllegalStateException(reason);
  }

  // ---------------------------------------------------------------- reading

  /** The rows of a partition, from the cache of recent partitions or else from its file. */
  private List<Operation> rows(String name) throws IOException {
    synchronized (recent) {
      List<Operation> cached = recent.get(name);
      if (cached != null) return cached;
    }
    List<Operation> rows = List.copyOf(read(name, OperationReadSupport.operations()));
    synchronized (recent) {
      recent.put(name, rows);
    }
    return rows;
  }

  private <T> List<T> read(String name, OperationReadSupport<T> support) throws IOException {
    List<T> rows = new ArrayList<>();
    try (ParquetReader<T> reader = new ReaderBuilder<>(new LocalInputFile(directory.resolve(name)), support)
        .withConf(new PlainParquetConfiguration())
        .withCodecFactory(codecs)
        .usePageChecksumVerification(true)
        .build()) {
      for (T row = reader.read(); row != null; row = reader.read()) rows.add(row);
    } catch (IOException | RuntimeException e) {
      throw new IOException("WAL archive partition " + directory.resolve(name) + " cannot be read (" + e + ")", e);
    }
    return rows;
  }

  private static Instant finishedAt(Operation op) {
    return op.completedAt() != null ? op.completedAt() : op.updatedAt();
  }

  /** What a row reads back as: Parquet keeps whole microseconds. */
  private static Operation truncateToMicros(Operation op) {
    return new Operation(op.operationId(), op.operationType(), op.backend(), op.parameters(), op.status(),
        op.priority(), micros(op.timestamp()), micros(op.updatedAt()), micros(op.completedAt()), op.result(),
        op.error(), op.errorType(), op.retryCount(), op.maxRetries(), micros(op.nextRetryAt()));
  }

  private static Instant micros(Instant t) {
    return t == null ? null : OperationParquetSchema.fromMicros(OperationParquetSchema.toMicros(t));
  }

  /** FNV-1a over the UTF-16 code units, then a SplitMix64 finaliser. A collision only costs a read. */
  static long idHash(String id) {
    long h = 0xcbf29ce484222325L;
    for (int i = 0; i < id.length(); i++) {
      h ^= id.charAt(i);
      h *= 0x100000001b3L;
    }
    h ^= h >>> 30;
    h *= 0xbf58476d1ce4e5b9L;
    h ^= h >>> 27;
    h *= 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  /** What the index knows about one partition file without reading it. */
  private record Partition(String name, int rows, Instant maxTimestamp, Instant oldestFinish,
      Map<OperationStatus, Integer> statusCounts, Set<String> backends, long[] sortedIdHashes) {

    Set<OperationStatus> statuses() {
      return statusCounts.keySet();
    }

    static Partition of(String name, List<Operation> rows) {
      return ofSummaries(name, rows.stream().map(OperationReadSupport.Summary::of).toList());
    }

    static Partition ofSummaries(String name, List<OperationReadSupport.Summary> rows) {
      Instant max = Instant.MIN;
      Instant oldest = Instant.MAX;
      Map<OperationStatus, Integer> statusCounts = new EnumMap<>(OperationStatus.class);
      Set<String> backends = new HashSet<>();
      long[] hashes = new long[rows.size()];
      int i = 0;
      for (OperationReadSupport.Summary row : rows) {
        if (row.timestamp().isAfter(max)) max = row.timestamp();
        if (row.finishedAt().isBefore(oldest)) oldest = row.finishedAt();
        statusCounts.merge(row.status(), 1, Integer::sum);
        backends.add(row.backend());
        hashes[i++] = idHash(row.operationId());
      }
      Arrays.sort(hashes);
      return new Partition(name, rows.size(), max, oldest, Collections.unmodifiableMap(statusCounts),
          Set.copyOf(backends), hashes);
    }

    boolean mayContain(long idHash) {
      return Arrays.binarySearch(sortedIdHashes, idHash) >= 0;
    }

    // Identity semantics: two index entries are the same only if they are the same object.
    @Override
    public boolean equals(Object o) {
      return this == o;
    }

    @Override
    public int hashCode() {
      return System.identityHashCode(this);
    }
  }

  private static final class WriterBuilder extends ParquetWriter.Builder<Operation, WriterBuilder> {
    WriterBuilder(OutputFile file) {
      super(file);
    }

    @Override
    protected WriterBuilder self() {
      return this;
    }

    /** Abstract in Parquet; with a {@code PlainParquetConfiguration} only the overload below runs. */
    @Override
    @SuppressWarnings("deprecation")
    protected WriteSupport<Operation> getWriteSupport(Configuration conf) {
      return new OperationWriteSupport();
    }

    @Override
    protected WriteSupport<Operation> getWriteSupport(ParquetConfiguration conf) {
      return new OperationWriteSupport();
    }
  }

  private static final class ReaderBuilder<T> extends ParquetReader.Builder<T> {
    private final ReadSupport<T> support;

    ReaderBuilder(InputFile file, ReadSupport<T> support) {
      super(file, new PlainParquetConfiguration());
      this.support = support;
    }

    @Override
    protected ReadSupport<T> getReadSupport() {
      return support;
    }
  }
}
