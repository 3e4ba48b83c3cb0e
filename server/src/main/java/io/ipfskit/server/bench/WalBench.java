package io.ipfskit.server.bench;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.wal.FsyncMode;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WalMetrics;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.LongAdder;
import java.util.stream.Stream;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ipfs-kit bench wal}: measures, in one run on the disk holding {@code scratchDir}, the raw
 * fsync rate and raw batched-fsync record rate (the physical limits), WAL appends per second for
 * each fsync mode with 1 and 64 appenders, and the time to open a log holding 1,000,000
 * operations. Every figure is the median of several repetitions; prints a Markdown table.
 */
public final class WalBench {
  static final int RECORD_BYTES = 170; // about one CREATED record of a small add operation
  static final int RAW_BATCH_RECORDS = 1024;
  static final long PREALLOCATED_RAW_BYTES = 16L << 20;
  static final int RECOVERY_OPERATIONS = 1_000_000;

  private WalBench() {}

  /** @param ratio median of per-repetition ratios to a raw limit measured right before, 0 if none */
  private record Row(String name, double median, String unit, double ratio, String limitName, String target) {}

  public static void run(Path scratchDir, PrintStream out, boolean quick) {
    try {
      new Runner(scratchDir, out, quick).run();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted", e);
    }
  }

  private static final class Runner {
    final Path scratch;
    final PrintStream out;
    final int repeats;
    final Duration window;
    final List<Row> rows = new ArrayList<>();
    int runs;

    Runner(Path scratch, PrintStream out, boolean quick) {
      this.scratch = scratch;
      this.out = out;
      this.repeats = quick ? 3 : 5;
      this.window = quick ? Duration.ofMillis(700) : Duration.ofSeconds(2);
    }

    void run() throws IOException, InterruptedException {
      Files.createDirectories(scratch);
      out.printf(Locale.ROOT, "# WAL benchmark%n%nscratch dir: %s, %d repetitions of %d ms, %d CPUs, Java %s%n%n",
          scratch.toAbsolutePath(), repeats, window.toMillis(), Runtime.getRuntime().availableProcessors(),
          System.getProperty("java.version"));
      // The disk's fsync latency drifts (shared machine, virtual disk), so every WAL repetition is
      // paired with a raw measurement of its limit taken just before it; ratios are per pair.
      List<Double> rawFsyncs = new ArrayList<>();
      List<Double> rawPreallocatedFsyncs = new ArrayList<>();
      List<Double> rawBatched = new ArrayList<>();
      for (FsyncMode mode : FsyncMode.values()) {
        for (int threads : new int[] {1, 64}) {
          boolean vsFsync = mode == FsyncMode.ALWAYS && threads == 1;
          double[] rates = new double[repeats];
          double[] ratios = new double[repeats];
          for (int i = 0; i < repeats; i++) {
            double limit;
            if (vsFsync) {
              // the WAL appends into preallocated segments: compare with the better of both raw ways
              double growing = rawFsyncRate(false);
              double preallocated = rawFsyncRate(true);
              rawFsyncs.add(growing);
              rawPreallocatedFsyncs.add(preallocated);
              limit = Math.max(growing, preallocated);
            } else {
              limit = rawBatchedRate();
              rawBatched.add(limit);
            }
            rates[i] = appendRate(mode, threads);
            ratios[i] = rates[i] / limit;
          }
          String target = switch (mode) {
            case ALWAYS -> threads == 1 ? ">= 90% of raw fsync" : ">= 100,000 ops/s";
            case BATCH -> ">= 300,000 ops/s";
            case PERIODIC -> ">= 500,000 ops/s";
          };
          rows.add(new Row("WAL " + mode.wireName() + ", " + threads + " appender" + (threads > 1 ? "s" : ""),
              median(rates), "ops/s", median(ratios), vsFsync ? "best raw fsync" : "raw batched", target));
        }
      }
      rows.add(0, new Row("raw batched fsync (" + RAW_BATCH_RECORDS + " records + force)",
          median(rawBatched.stream().mapToDouble(Double::doubleValue).toArray()), "records/s", 0, "", ""));
      rows.add(0, new Row("raw fsync, preallocated file (overwrite 1 record + force)",
          median(rawPreallocatedFsyncs.stream().mapToDouble(Double::doubleValue).toArray()), "fsyncs/s", 0, "", ""));
      rows.add(0, new Row("raw fsync, growing file (append 1 record + force)",
          median(rawFsyncs.stream().mapToDouble(Double::doubleValue).toArray()), "fsyncs/s", 0, "", ""));
      recovery();
      print();
    }

    interface Measurement {
      double measure() throws IOException, InterruptedException;
    }

    static double median(double[] v) {
      double[] c = v.clone();
      Arrays.sort(c);
      return c[c.length / 2];
    }

    double median(Measurement m) throws IOException, InterruptedException {
      double[] v = new double[repeats];
      for (int i = 0; i < repeats; i++) v[i] = m.measure();
      Arrays.sort(v);
      return v[repeats / 2];
    }

    Path freshDir(String name) throws IOException {
      Path d = scratch.resolve(name + "-" + (runs++));
      deleteTree(d);
      Files.createDirectories(d);
      return d;
    }

    /**
     * One record + force(false) in a loop. Growing: appends to a new file, so every fsync also commits
     * a size change. Preallocated: overwrites a file first filled with zeros and forced (as the WAL's
     * segments are), so fsync flushes data only.
     */
    double rawFsyncRate(boolean preallocated) throws IOException {
      Path d = freshDir(preallocated ? "rawpre" : "raw");
      ByteBuffer rec = ByteBuffer.allocateDirect(RECORD_BYTES);
      long n = 0;
      try (FileChannel ch = FileChannel.open(d.resolve("raw.dat"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long fileBytes = PREALLOCATED_RAW_BYTES;
        if (preallocated) {
          ByteBuffer zeros = ByteBuffer.allocateDirect(1 << 20);
          for (long w = 0; w < fileBytes; ) {
            zeros.clear();
            w += ch.write(zeros, w);
          }
          ch.force(true);
        }
        long end = System.nanoTime() + window.toNanos();
        long t0 = System.nanoTime();
        long pos = 0;
        while (System.nanoTime() < end) {
          rec.clear();
          if (preallocated) {
            if (pos + RECORD_BYTES > fileBytes) pos = 0; // stay inside the allocated blocks
            pos += ch.write(rec, pos);
          } else {
            ch.write(rec);
          }
          ch.force(false);
          n++;
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        deleteTree(d);
        return rate;
      }
    }

    double rawBatchedRate() throws IOException {
      Path d = freshDir("rawbatch");
      ByteBuffer batch = ByteBuffer.allocateDirect(RECORD_BYTES * RAW_BATCH_RECORDS);
      long n = 0;
      try (FileChannel ch = FileChannel.open(d.resolve("raw.dat"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        long end = System.nanoTime() + window.toNanos();
        long t0 = System.nanoTime();
        while (System.nanoTime() < end) {
          batch.clear();
          while (batch.hasRemaining()) ch.write(batch);
          ch.force(false);
          n += RAW_BATCH_RECORDS;
        }
        double rate = n / ((System.nanoTime() - t0) / 1e9);
        deleteTree(d);
        return rate;
      }
    }

    WalConfig config(Path dir, FsyncMode mode) {
      return config(dir, mode, 64L << 20);
    }

    /** The recovery log uses one large segment so no automatic checkpoint interferes with the replay copy. */
    WalConfig config(Path dir, FsyncMode mode, long segmentBytes) {
      return new WalConfig(dir, mode, 256, Duration.ofMillis(10), Duration.ofMillis(100), segmentBytes, 1000, 5,
          Duration.ofSeconds(60), Duration.ofHours(1), true, Duration.ofSeconds(5), 30, 1);
    }

    static NewOperation[] operations(int n) {
      NewOperation[] ops = new NewOperation[n];
      for (int i = 0; i < n; i++) {
        ObjectNode p = JsonNodeFactory.instance.objectNode();
        p.put("content", "bench payload " + i);
        ops[i] = new NewOperation(OperationType.ADD, "bench", p);
      }
      return ops;
    }

    double appendRate(FsyncMode mode, int threads) throws IOException, InterruptedException {
      Path d = freshDir("wal-" + mode.wireName() + "-" + threads);
      NewOperation[] ops = operations(1024);
      LongAdder done = new LongAdder();
      AtomicBoolean stop = new AtomicBoolean();
      List<Throwable> errors = new ArrayList<>();
      double rate;
      try (WriteAheadLog wal = WriteAheadLog.openPaused(config(d, mode), Map.of("bench", new IdleBackend()),
          Clock.systemUTC())) {
        CountDownLatch start = new CountDownLatch(1);
        List<Thread> ts = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int offset = t * 31;
          Thread th = new Thread(() -> {
            try {
              start.await();
              for (int i = offset; !stop.get(); i++) {
                wal.add(ops[i & 1023]);
                done.increment();
              }
            } catch (Exception e) {
              synchronized (errors) {
                errors.add(e);
              }
            }
          }, "bench-appender-" + t);
          th.start();
          ts.add(th);
        }
        long t0 = System.nanoTime();
        start.countDown();
        Thread.sleep(window.toMillis()); // the measurement window
        stop.set(true);
        for (Thread t : ts) t.join();
        rate = done.sum() / ((System.nanoTime() - t0) / 1e9);
        WalMetrics m = wal.metrics();
        if (mode == FsyncMode.ALWAYS && threads > 1 && runs % repeats == 0)
          out.printf(Locale.ROOT, "  (always x%d: %.1f records per fsync, append p50 %.0f us, p99 %.0f us)%n", threads,
              m.recordsPerFsync(), m.appendLatencyP50Micros(), m.appendLatencyP99Micros());
      }
      if (!errors.isEmpty()) throw new IOException("appender failed: " + errors.get(0), errors.get(0));
      deleteTree(d);
      return rate;
    }

    void recovery() throws IOException, InterruptedException {
      Path d = freshDir("recovery");
      List<Path> replayCopies = new ArrayList<>();
      for (int i = 0; i < repeats; i++) replayCopies.add(freshDir("replay"));
      NewOperation[] ops = operations(1024);
      long t0 = System.nanoTime();
      try (WriteAheadLog wal = WriteAheadLog.openPaused(config(d, FsyncMode.PERIODIC, 1L << 30),
          Map.of("bench", new IdleBackend()), Clock.systemUTC())) {
        int threads = 4;
        List<Thread> ts = new ArrayList<>();
        List<Throwable> errors = new ArrayList<>();
        for (int t = 0; t < threads; t++) {
          int tt = t;
          Thread th = new Thread(() -> {
            try {
              for (int i = tt; i < RECOVERY_OPERATIONS; i += threads) wal.add(ops[i & 1023]);
            } catch (IOException e) {
              synchronized (errors) {
                errors.add(e);
              }
            }
          });
          th.start();
          ts.add(th);
        }
        for (Thread t : ts) t.join();
        if (!errors.isEmpty()) throw new IOException("loading failed: " + errors.get(0), errors.get(0));
        wal.sync();
        // a copy of the segments alone: opening it is a pure replay, with no checkpoint to start from
        try (Stream<Path> s = Files.list(d)) {
          for (Path p : s.filter(p -> p.getFileName().toString().endsWith(".wal")).toList())
            for (Path copy : replayCopies) Files.copy(p, copy.resolve(p.getFileName()));
        }
      }
      out.printf(Locale.ROOT, "  (loaded %,d operations in %.1f s; closing wrote a checkpoint)%n", RECOVERY_OPERATIONS,
          (System.nanoTime() - t0) / 1e9);
      double fromCheckpoint = median(() -> openTime(d));
      rows.add(new Row("recovery of 1M operations (checkpoint)", fromCheckpoint, "ms", 0, "", "< 1000 ms"));
      int[] next = {0};
      double replay = median(() -> openTime(replayCopies.get(next[0]++))); // each copy opened once: pure replay
      rows.add(new Row("recovery of 1M operations (segment replay, no checkpoint)", replay, "ms", 0, "", "< 1000 ms"));
      deleteTree(d);
      for (Path copy : replayCopies) deleteTree(copy);
    }

    /** Opens the log and measures until open returns; the close (which checkpoints) is not timed. */
    double openTime(Path d) throws IOException {
      System.gc();
      long t0 = System.nanoTime();
      WriteAheadLog wal = WriteAheadLog.openPaused(config(d, FsyncMode.PERIODIC, 1L << 30),
          Map.of("bench", new IdleBackend()), Clock.systemUTC());
      double ms = (System.nanoTime() - t0) / 1e6;
      long n = wal.status().totalOperations();
      wal.close();
      if (n != RECOVERY_OPERATIONS) throw new IOException("recovered " + n + " operations, expected " + RECOVERY_OPERATIONS);
      return ms;
    }

    void print() {
      out.println();
      out.println("| measurement | median | unit | median ratio to limit (paired) | target |");
      out.println("|---|---:|---|---:|---|");
      for (Row r : rows) {
        String ratio = r.ratio() > 0 ? String.format(Locale.ROOT, "%.0f%% of %s", 100 * r.ratio(), r.limitName()) : "";
        out.printf(Locale.ROOT, "| %s | %,.0f | %s | %s | %s |%n", r.name(), r.median(), r.unit(), ratio, r.target());
      }
      out.flush();
    }
  }

  static void deleteTree(Path d) throws IOException {
    if (!Files.exists(d)) return;
    try (Stream<Path> s = Files.walk(d)) {
      for (Path p : s.sorted(Comparator.reverseOrder()).toList()) Files.deleteIfExists(p);
    }
  }

  /** Never called: the benchmark keeps processing paused and measures the log alone. */
  private static final class IdleBackend implements StorageBackend {
    @Override
    public String name() {
      return "bench";
    }

    @Override
    public StoredContent add(InputStream content) throws StorageException {
      throw new BackendUnavailableException("benchmark backend", null);
    }

    @Override
    public void get(String cid, OutputStream out) throws StorageException {
      throw new BackendUnavailableException("benchmark backend", null);
    }

    @Override
    public void pin(String cid) throws StorageException {
      throw new BackendUnavailableException("benchmark backend", null);
    }

    @Override
    public void unpin(String cid) throws StorageException {
      throw new BackendUnavailableException("benchmark backend", null);
    }

    @Override
    public void remove(String cid) throws StorageException {
      throw new BackendUnavailableException("benchmark backend", null);
    }

    @Override
    public BackendHealth health() {
      return BackendHealth.healthy("benchmark");
    }
  }

  /** {@code java -cp ... io.ipfskit.server.bench.WalBench [scratchDir] [--quick]} */
  public static void main(String[] args) {
    Path dir = Path.of(args.length > 0 && !args[0].startsWith("--") ? args[0] : "target/wal-bench");
    boolean quick = Arrays.asList(args).contains("--quick");
    run(dir, System.out, quick);
  }
}
