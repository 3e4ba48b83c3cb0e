package io.ipfskit.server.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Measures the server as an agent host sees it, through a child process speaking JSON-RPC on
 * stdio: time from process start to the first {@code tools/list} answer, and the round-trip
 * latency of {@code secrets_retrieve}. Each run uses a fresh {@code IPFS_KIT_HOME} under
 * {@code scratchDir}.
 */
public final class StdioBench {

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private StdioBench() {}

  /** Starts {@code command} {@code runs} times; prints and returns the start → tools/list times in ms. */
  public static double[] startup(List<String> command, int runs, Path scratchDir, PrintStream out)
      throws IOException, InterruptedException {
    double[] millis = new double[runs];
    double[] cpuMillis = new double[runs];
    for (int run = 0; run < runs; run++) {
      Path home = Files.createTempDirectory(scratchDir, "startup-");
      long start = System.nanoTime();
      try (Session session = Session.start(command, home)) {
        session.initialize();
        session.request("tools/list", "{}");
        millis[run] = (System.nanoTime() - start) / 1e6;
        // CPU the server process used up to its tools/list answer: less sensitive to machine load.
        cpuMillis[run] = session.process.info().totalCpuDuration().map(d -> d.toNanos() / 1e6).orElse(Double.NaN);
      }
    }
    double[] sorted = millis.clone();
    Arrays.sort(sorted);
    double[] cpuSorted = cpuMillis.clone();
    Arrays.sort(cpuSorted);
    out.printf("startup %s: median %.0f ms, min %.0f ms, max %.0f ms over %d runs; server CPU until the answer:"
            + " median %.0f ms%n", String.join(" ", command), sorted[runs / 2], sorted[0], sorted[runs - 1], runs,
        cpuSorted[runs / 2]);
    return millis;
  }

  /** Stores one secret, warms up, then times {@code calls} sequential secrets_retrieve calls. */
  public static void retrieveLatency(List<String> command, int calls, Path scratchDir, PrintStream out)
      throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(scratchDir, "latency-");
    try (Session session = Session.start(command, home)) {
      session.initialize();
      JsonNode stored = session.request("tools/call",
          "{\"name\":\"secrets_store\",\"arguments\":{\"service\":\"bench\",\"secret_value\":\"bench-api-key-0123456789\"}}");
      String id = stored.path("result").path("structuredContent").path("secret_id").asString();
      if (id.isEmpty()) {
        throw new IllegalStateException("secrets_store failed: " + stored);
      }
      String retrieve = "{\"name\":\"secrets_retrieve\",\"arguments\":{\"secret_id\":\"" + id + "\"}}";
      int warmup = Math.max(200, calls / 5);
      for (int i = 0; i < warmup; i++) {
        session.request("tools/call", retrieve);
      }
      long[] nanos = new long[calls];
      for (int i = 0; i < calls; i++) {
        long start = System.nanoTime();
        JsonNode response = session.request("tools/call", retrieve);
        nanos[i] = System.nanoTime() - start;
        if (response.path("result").path("isError").asBoolean(false)) {
          throw new IllegalStateException("secrets_retrieve failed: " + response);
        }
      }
      Arrays.sort(nanos);
      out.printf("secrets_retrieve over stdio (%d calls after %d warm-up): p50 %.3f ms, p90 %.3f ms, p99 %.3f ms,"
              + " max %.3f ms%n", calls, warmup, nanos[calls / 2] / 1e6, nanos[(int) (calls * 0.9)] / 1e6,
          nanos[(int) (calls * 0.99)] / 1e6, nanos[calls - 1] / 1e6);
    }
  }

  /** Deletes the scratch files of the runs. */
  public static void deleteTree(Path root) throws IOException {
    if (!Files.exists(root)) {
      return;
    }
    try (Stream<Path> paths = Files.walk(root)) {
      for (Path p : paths.sorted(Comparator.reverseOrder()).toList()) {
        Files.deleteIfExists(p);
      }
    }
  }

  /**
   * A bare JSON-RPC client over a child's stdin/stdout; one request in flight at a time. A
   * request unanswered for {@link #REQUEST_TIMEOUT_SECONDS} kills the child, so the bench fails
   * with the child's stderr instead of hanging.
   */
  static final class Session implements AutoCloseable {
    static final long REQUEST_TIMEOUT_SECONDS = 30;
    private static final java.util.concurrent.ScheduledExecutorService WATCHDOG =
        java.util.concurrent.Executors.newSingleThreadScheduledExecutor(r -> {
          Thread t = new Thread(r, "stdio-bench-watchdog");
          t.setDaemon(true);
          return t;
        });

    final Process process;
    private final OutputStream stdin;
    private final BufferedReader stdout;
    private final Path stderrLog;
    private long nextId = 1;

    private Session(Process process, Path stderrLog) {
      this.process = process;
      this.stdin = process.getOutputStream();
      this.stdout = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8));
      this.stderrLog = stderrLog;
    }

    static Session start(List<String> command, Path home) throws IOException {
      return start(command, home, java.util.Map.of());
    }

    /** Starts {@code command} with {@code IPFS_KIT_HOME=home} plus {@code env}; stderr to a file beside home. */
    static Session start(List<String> command, Path home, java.util.Map<String, String> env) throws IOException {
      Path stderrLog = home.resolveSibling(home.getFileName() + ".stderr.log");
      ProcessBuilder builder = new ProcessBuilder(new ArrayList<>(command)).redirectError(stderrLog.toFile());
      builder.environment().put("IPFS_KIT_HOME", home.toString());
      builder.environment().putAll(env);
      return new Session(builder.start(), stderrLog);
    }

    /** CPU time the server process has used so far, in ns (NaN-free: -1 when the OS does not tell). */
    long cpuNanos() {
      return process.info().totalCpuDuration().map(java.time.Duration::toNanos).orElse(-1L);
    }

    /**
     * {@code count} sequential calls of {@code method}; returns each call's round trip in ns, from
     * writing the request line to reading its response line. Every response must be a success.
     */
    long[] sequential(String method, String paramsJson, int count) throws IOException {
      long[] nanos = new long[count];
      for (int i = 0; i < count; i++) {
        long start = System.nanoTime();
        JsonNode response = request(method, paramsJson);
        nanos[i] = System.nanoTime() - start;
        requireSuccess(method, response);
      }
      return nanos;
    }

    /**
     * {@code count} calls with up to {@code inFlight} requests written but not yet answered (a
     * writer thread sends while this thread reads); returns the elapsed ns from the first write to
     * the last response. Responses may come in any order; every one must be a success.
     */
    long pipelined(String method, String paramsJson, int count, int inFlight) throws IOException, InterruptedException {
      long firstId = nextId;
      nextId += count;
      java.util.concurrent.Semaphore window = new java.util.concurrent.Semaphore(inFlight);
      java.util.concurrent.atomic.AtomicReference<Throwable> writeFailure = new java.util.concurrent.atomic.AtomicReference<>();
      String prefix = "{\"jsonrpc\":\"2.0\",\"id\":";
      String suffix = ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}";
      Thread writer = new Thread(() -> {
        try {
          for (int i = 0; i < count; i++) {
            window.acquire();
            send(prefix + (firstId + i) + suffix);
          }
        } catch (IOException | InterruptedException | RuntimeException e) {
          writeFailure.set(e);
        }
      }, "stdio-bench-writer");
      java.util.concurrent.ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(this::kill, REQUEST_TIMEOUT_SECONDS + count / 500, TimeUnit.SECONDS);
      long start = System.nanoTime();
      writer.start();
      try {
        int answered = 0;
        while (answered < count) {
          String line = stdout.readLine();
          if (line == null) {
            throw new IOException("the server stopped answering after " + answered + " of " + count
                + " pipelined calls (write failure: " + writeFailure.get() + "); its stderr:\n" + stderr());
          }
          JsonNode message = JSON.readTree(line);
          long id = message.path("id").asLong(-1);
          if (id >= firstId && id < firstId + count) {
            requireSuccess(method, message);
            answered++;
            window.release();
          }
        }
        return System.nanoTime() - start;
      } finally {
        watchdog.cancel(false);
        writer.join();
      }
    }

    private static void requireSuccess(String method, JsonNode response) {
      if (response.has("error") || !response.has("result") || response.path("result").path("isError").asBoolean(false)) {
        throw new IllegalStateException(method + " failed: " + response);
      }
    }

    void initialize() throws IOException {
      request("initialize", "{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},"
          + "\"clientInfo\":{\"name\":\"ipfs-kit-bench\",\"version\":\"1\"}}");
      send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
    }

    JsonNode request(String method, String paramsJson) throws IOException {
      long id = nextId++;
      java.util.concurrent.ScheduledFuture<?> watchdog =
          WATCHDOG.schedule(this::kill, REQUEST_TIMEOUT_SECONDS, TimeUnit.SECONDS);
      try {
        send("{\"jsonrpc\":\"2.0\",\"id\":" + id + ",\"method\":\"" + method + "\",\"params\":" + paramsJson + "}");
        while (true) {
          String line = stdout.readLine();
          if (line == null) {
            throw new IOException("no answer to " + method + " (id " + id + ") within " + REQUEST_TIMEOUT_SECONDS
                + " s or the server exited; its stderr:\n" + stderr());
          }
          if (!line.startsWith("{")) {
            continue; // not JSON-RPC, e.g. JFR's start-up notice when profiling; the servers' own tests police stdout
          }
          JsonNode message = JSON.readTree(line);
          if (message.path("id").asLong(-1) == id) {
            return message;
          }
        }
      } finally {
        watchdog.cancel(false);
      }
    }

    private String stderr() {
      try {
        return Files.readString(stderrLog);
      } catch (IOException e) {
        return "(unreadable: " + e + ")";
      }
    }

    private void send(String line) throws IOException {
      synchronized (stdin) {
        stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
        stdin.flush();
      }
    }

    /** Kills the server and anything it started (a launcher's build, say). */
    private void kill() {
      process.descendants().forEach(ProcessHandle::destroyForcibly);
      process.destroyForcibly();
    }

    @Override
    public void close() throws IOException, InterruptedException {
      stdin.close();
      if (!process.waitFor(30, TimeUnit.SECONDS)) {
        kill();
        throw new IOException("server did not exit within 30 s after stdin closed");
      }
    }
  }
}
