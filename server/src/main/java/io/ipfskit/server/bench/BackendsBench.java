package io.ipfskit.server.bench;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Random;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ipfs-kit bench backends}: add and get throughput, p50 and p99 per backend for 4 KiB, 1 MiB
 * and 64 MiB files on loopback, each measured three ways in one interleaved run:
 *
 * <ul>
 *   <li><b>direct</b>: the same transfer made straight with the backend's own protocol (for IPFS:
 *       the node's RPC over the JDK's HTTP client, file streamed in, answer streamed to a file);
 *   <li><b>backend</b>: ipfs-kit's {@link StorageBackend} client from and to the same files;
 *   <li><b>WAL</b>: a queued {@code add} with {@code params.path} / {@code get} with {@code
 *       params.destination} through a {@link WriteAheadLog} (fsync {@code always}) from queue to
 *       completed, as {@code wal_add_operation} runs it.
 * </ul>
 *
 * The ratios backend/direct and WAL/direct (of median times) are the overhead the client and the
 * log add. Round {@code i} runs direct, backend and WAL one after the other for each size, so drift
 * of the machine hits all three alike.
 *
 * <p>A backend is one {@link RowSource}: it opens the ipfs-kit backend and does the direct
 * transfer. IPFS is one ({@code IpfsRows}); another backend adds its own source.
 */
public final class BackendsBench {
  private BackendsBench() {}

  /** Sizes measured, with how many timed repetitions each gets (normal, quick). */
  record Size(String label, int bytes, int repetitions, int quickRepetitions) {}

  static final List<Size> SIZES = List.of(new Size("4 KiB", 4 << 10, 200, 20), new Size("1 MiB", 1 << 20, 40, 5),
      new Size("64 MiB", 64 << 20, 7, 2));

  /** One backend's rows: its ipfs-kit backend and the same transfers made directly. */
  public interface RowSource extends AutoCloseable {
    /** The backend's name as operations use it, e.g. {@code ipfs}. */
    String name();

    /** What the direct transfer is, for the table, e.g. {@code node RPC (JDK HttpClient)}. */
    String directLabel();

    /** ipfs-kit's backend for this source (closed by the source). */
    StorageBackend backend();

    /** Stores {@code file} directly; returns the id to read it back with (a CID, an object key). */
    String directAdd(Path file) throws IOException, InterruptedException;

    /** Reads {@code id} directly into {@code out}. */
    void directGet(String id, Path out) throws IOException, InterruptedException;

    @Override
    void close();
  }

  private record Sample(List<Double> add, List<Double> get) {
    Sample() {
      this(new ArrayList<>(), new ArrayList<>());
    }
  }

  /** Runs every source over every size and prints a Markdown table. */
  public static void run(List<RowSource> sources, Path scratch, PrintStream out, boolean quick) throws Exception {
    Files.createDirectories(scratch);
    Path home = Files.createDirectories(scratch.resolve("home"));
    Path files = Files.createDirectories(scratch.resolve("files"));
    Map<String, StorageBackend> backends = new LinkedHashMap<>();
    for (RowSource s : sources) backends.put(s.name(), s.backend());
    FileAccessPolicy policy = new FileAccessPolicy(AllowedRoots.ofOperator(List.of(files)), home, files);
    out.printf(Locale.ROOT, "# Backends benchmark%n%n%d CPUs, Java %s, %s; median of repetitions, interleaved%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), quick ? "QUICK (smoke test)" : "full");
    out.println("| backend | size | path | add p50 | add p99 | add MiB/s | get p50 | get p99 | get MiB/s | add ÷ direct | get ÷ direct |");
    out.println("|---|---|---|---|---|---|---|---|---|---|---|");
    try (WriteAheadLog wal = WriteAheadLog.open(WalConfig.defaults(home), backends, Clock.systemUTC())) {
      for (Size size : SIZES) {
        Path file = files.resolve("in-" + size.bytes());
        writeRandom(file, size.bytes(), size.bytes());
        byte[] digest = sha256(file);
        int reps = quick ? size.quickRepetitions() : size.repetitions();
        for (RowSource s : sources) {
          Sample direct = new Sample();
          Sample backend = new Sample();
          Sample logged = new Sample();
          for (int i = -1; i < reps; i++) { // i = -1: warm-up, not counted
            Path o1 = files.resolve("out-direct");
            Path o2 = files.resolve("out-backend");
            Path o3 = files.resolve("out-wal");
            for (Path p : List.of(o1, o2, o3)) Files.deleteIfExists(p);

            long t0 = System.nanoTime();
            String id = s.directAdd(file);
            long t1 = System.nanoTime();
            s.directGet(id, o1);
            long t2 = System.nanoTime();
            record(direct, i, t1 - t0, t2 - t1);

            t0 = System.nanoTime();
            String cid;
            try (InputStream in = Files.newInputStream(file)) {
              cid = s.backend().add(in).cid();
            }
            t1 = System.nanoTime();
            try (OutputStream os = Files.newOutputStream(o2)) {
              s.backend().get(cid, os);
            }
            t2 = System.nanoTime();
            record(backend, i, t1 - t0, t2 - t1);

            t0 = System.nanoTime();
            ObjectNode addParams = JsonNodeFactory.instance.objectNode().put("path", file.toString());
            addParams.set(NewOperation.FILE_ACCESS, policy.checkRead("params.path", file.toString()).toJson());
            Operation added = done(wal, wal.add(new NewOperation(OperationType.ADD, s.name(), addParams)));
            t1 = System.nanoTime();
            ObjectNode getParams = JsonNodeFactory.instance.objectNode().put("cid", added.result().cid())
                .put("destination", o3.toString());
            getParams.set(NewOperation.FILE_ACCESS, policy.checkWrite("params.destination", o3.toString(), false).toJson());
            done(wal, wal.add(new NewOperation(OperationType.GET, s.name(), getParams)));
            t2 = System.nanoTime();
            record(logged, i, t1 - t0, t2 - t1);

            if (!cid.equals(added.result().cid()))
              throw new IllegalStateException("backend and WAL disagree on the CID: " + cid + " vs " + added.result().cid());
            for (Path p : List.of(o1, o2, o3)) {
              if (!Arrays.equals(digest, sha256(p))) throw new IllegalStateException(p + " differs from what was added");
            }
          }
          row(out, s.name(), size, s.directLabel(), direct, direct);
          row(out, s.name(), size, "ipfs-kit backend", backend, direct);
          row(out, s.name(), size, "ipfs-kit WAL (queue → completed)", logged, direct);
        }
      }
    }
  }

  private static Operation done(WriteAheadLog wal, Operation queued) throws InterruptedException {
    Operation op = wal.waitFor(queued.operationId(), Duration.ofMinutes(5));
    if (op.status() != OperationStatus.COMPLETED)
      throw new IllegalStateException(op.operationType().wireName() + " did not complete: " + op.status() + " "
          + op.error());
    return op;
  }

  private static void record(Sample s, int i, long addNanos, long getNanos) {
    if (i < 0) return;
    s.add().add(addNanos / 1e6);
    s.get().add(getNanos / 1e6);
  }

  private static void row(PrintStream out, String backend, Size size, String path, Sample s, Sample direct) {
    double addP50 = percentile(s.add(), 50);
    double getP50 = percentile(s.get(), 50);
    double mib = size.bytes() / (1024.0 * 1024.0);
    out.printf(Locale.ROOT, "| %s | %s | %s | %s | %s | %.1f | %s | %s | %.1f | %.2f | %.2f |%n", backend, size.label(),
        path, ms(addP50), ms(percentile(s.add(), 99)), mib / (addP50 / 1000), ms(getP50), ms(percentile(s.get(), 99)),
        mib / (getP50 / 1000), addP50 / percentile(direct.add(), 50), getP50 / percentile(direct.get(), 50));
  }

  private static String ms(double v) {
    return v < 10 ? String.format(Locale.ROOT, "%.2f ms", v) : String.format(Locale.ROOT, "%.0f ms", v);
  }

  /** Nearest-rank percentile. */
  static double percentile(List<Double> values, int p) {
    double[] v = values.stream().mapToDouble(Double::doubleValue).sorted().toArray();
    int rank = (int) Math.ceil(p / 100.0 * v.length);
    return v[Math.max(0, Math.min(v.length - 1, rank - 1))];
  }

  static void writeRandom(Path file, int bytes, long seed) throws IOException {
    Random r = new Random(seed);
    byte[] buf = new byte[64 * 1024];
    try (OutputStream o = Files.newOutputStream(file)) {
      for (int left = bytes; left > 0; left -= buf.length) {
        r.nextBytes(buf);
        o.write(buf, 0, Math.min(left, buf.length));
      }
    }
  }

  private static byte[] sha256(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      MessageDigest md = MessageDigest.getInstance("SHA-256");
      byte[] buf = new byte[64 * 1024];
      for (int n; (n = in.read(buf)) > 0; ) md.update(buf, 0, n);
      return md.digest();
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError(e);
    }
  }
}
