package io.ipfskit.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

/**
 * Tool calls over MCP Streamable HTTP: ipfs-kit ({@code serve --http}) beside the TypeScript SDK's
 * own Streamable HTTP server ({@code ts-reference-server/server.mjs --http}), measured in one run
 * through the same Java client ({@code java.net.http}, HTTP/1.1, one client and one MCP session per
 * simulated agent), so both pay the same client costs.
 *
 * <p>Per round (the target order rotating every round) and per concurrency level {@code c}: {@code c}
 * sessions each make {@code calls / c} sequential {@code tools/call} requests of the light tool at the
 * same time; the rate is all calls over the wall time, p50/p99 are over every call's round trip.
 * Figures are medians over the rounds; ratios are ours / TS.
 */
public final class HttpBench {

  /** One server to measure: how to start it, where it answers, and its light tool. */
  public record Target(String label, List<String> command, Map<String, String> env, int port,
      Map<String, String> headers, String tool, boolean ours) {
    public Target {
      command = List.copyOf(command);
      env = Map.copyOf(env);
      headers = Map.copyOf(headers);
    }

    String url() {
      return "http://127.0.0.1:" + port + "/mcp";
    }
  }

  /** Sizes of one run. */
  public record Settings(int rounds, int calls, int warmupCalls, List<Integer> concurrency) {
    public Settings {
      if (rounds < 1 || calls < 16 || warmupCalls < 0 || concurrency.isEmpty()) {
        throw new IllegalArgumentException("rounds must be >= 1, calls >= 16, warmupCalls >= 0, concurrency non-empty");
      }
      concurrency = List.copyOf(concurrency);
    }
  }

  record Figures(double rate, double p50Millis, double p99Millis) {}

  /** CPU time {@code p} and its descendants (a launcher's node or java) have used so far, in ns. */
  static long cpuNanos(Process p) {
    long own = p.info().totalCpuDuration().map(Duration::toNanos).orElse(0L);
    return own + p.descendants().mapToLong(h -> h.info().totalCpuDuration().map(Duration::toNanos).orElse(0L)).sum();
  }

  private HttpBench() {}

  /** Starts every target, measures, stops them, prints the table. */
  public static void run(List<Target> targets, Settings s, Path scratch, PrintStream out)
      throws IOException, InterruptedException {
    out.printf("bench http side by side, %s, load average %s%n", Instant.now(), SideBySideBench.loadAverage());
    Map<Target, Process> processes = new LinkedHashMap<>();
    Map<Target, Map<Integer, List<Session>>> sessions = new LinkedHashMap<>();
    try {
      for (Target t : targets) {
        ProcessBuilder pb = new ProcessBuilder(t.command()).redirectErrorStream(true)
            .redirectOutput(scratch.resolve("server-" + processes.size() + ".log").toFile());
        pb.environment().putAll(t.env());
        processes.put(t, pb.start());
        awaitPort(t, processes.get(t), Duration.ofSeconds(120));
      }
      for (Target t : targets) {
        Map<Integer, List<Session>> byLevel = new LinkedHashMap<>();
        for (int c : s.concurrency()) {
          List<Session> list = new ArrayList<>();
          for (int i = 0; i < c; i++) list.add(Session.open(t));
          byLevel.put(c, list);
        }
        sessions.put(t, byLevel);
        int top = s.concurrency().stream().mapToInt(Integer::intValue).max().orElse(1);
        measure(t, byLevel.get(top), s.warmupCalls()); // warm-up: JIT, vault unlock, connections
      }
      Map<Target, Map<Integer, double[][]>> perRound = new LinkedHashMap<>();
      for (Target t : targets) {
        Map<Integer, double[][]> m = new LinkedHashMap<>();
        for (int c : s.concurrency()) m.put(c, new double[s.rounds()][]);
        perRound.put(t, m);
      }
      for (int round = 0; round < s.rounds(); round++) {
        List<Target> order = new ArrayList<>(targets);
        java.util.Collections.rotate(order, -(round % targets.size()));
        for (Target t : order) {
          for (int c : s.concurrency()) {
            long cpu0 = cpuNanos(processes.get(t));
            Figures f = measure(t, sessions.get(t).get(c), s.calls());
            double cpuMicrosPerCall = (cpuNanos(processes.get(t)) - cpu0) / 1e3 / (Math.max(1, s.calls() / c) * c);
            perRound.get(t).get(c)[round] = new double[] {f.rate(), f.p50Millis(), f.p99Millis(), cpuMicrosPerCall};
          }
        }
        out.printf("round %d/%d done (load %s)%n", round + 1, s.rounds(), SideBySideBench.loadAverage());
      }
      out.printf("%nload average at the end: %s%n", SideBySideBench.loadAverage());
      printTable(targets, s, perRound, out);
    } finally {
      for (Process p : processes.values()) {
        p.descendants().forEach(ProcessHandle::destroy);
        p.destroy();
        if (!p.waitFor(30, TimeUnit.SECONDS)) p.destroyForcibly();
      }
    }
  }

  /**
   * Records {@code t} (ours) with JFR while one session makes {@code calls} sequential calls after
   * {@code warmupCalls}, then prints where the server's CPU samples went ({@link JfrBreakdown}).
   */
  public static void profile(Target t, int warmupCalls, int calls, Path recording, Path scratch, PrintStream out)
      throws IOException, InterruptedException {
    Map<String, String> env = new LinkedHashMap<>(t.env());
    env.put("JAVA_TOOL_OPTIONS", "-XX:StartFlightRecording=filename=" + recording
        + ",settings=profile,method-profiling=max,dumponexit=true");
    Target recorded = new Target(t.label(), t.command(), env, t.port(), t.headers(), t.tool(), t.ours());
    ProcessBuilder pb = new ProcessBuilder(recorded.command()).redirectErrorStream(true)
        .redirectOutput(scratch.resolve("server-profile.log").toFile());
    pb.environment().putAll(recorded.env());
    Process p = pb.start();
    Instant from;
    Figures f;
    try {
      awaitPort(recorded, p, Duration.ofSeconds(120));
      List<Session> one = List.of(Session.open(recorded));
      measure(recorded, one, warmupCalls);
      from = Instant.now();
      f = measure(recorded, one, calls);
    } finally {
      p.destroy(); // SIGTERM: the JVM exits through its shutdown hooks and JFR writes the recording
      if (!p.waitFor(60, TimeUnit.SECONDS)) p.destroyForcibly();
    }
    out.printf("profile of %s: %d sequential %s calls, %.0f calls/s, p50 %.2f ms while recording (load %s)%n",
        t.label(), calls, t.tool(), f.rate(), f.p50Millis(), SideBySideBench.loadAverage());
    JfrBreakdown.print(recording, from, out);
  }

  /** {@code calls} calls spread over the sessions, all at once; the rate and the latency percentiles. */
  static Figures measure(Target t, List<Session> sessions, int calls) throws InterruptedException {
    int each = Math.max(1, calls / sessions.size());
    long[] nanos = new long[each * sessions.size()];
    AtomicInteger next = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch go = new CountDownLatch(1);
    CountDownLatch done = new CountDownLatch(sessions.size());
    for (Session session : sessions) {
      Thread th = new Thread(() -> {
        try {
          go.await();
          for (int i = 0; i < each; i++) {
            long t0 = System.nanoTime();
            session.call(t.tool());
            nanos[next.getAndIncrement()] = System.nanoTime() - t0;
          }
        } catch (Throwable e) {
          failure.compareAndSet(null, e);
        } finally {
          done.countDown();
        }
      }, "bench-client");
      th.setDaemon(true);
      th.start();
    }
    long start = System.nanoTime();
    go.countDown();
    done.await();
    long wall = System.nanoTime() - start;
    if (failure.get() != null) {
      throw new IllegalStateException(t.label() + ": a call failed: " + failure.get().getMessage(), failure.get());
    }
    Arrays.sort(nanos);
    return new Figures(nanos.length / (wall / 1e9), nanos[nanos.length / 2] / 1e6,
        nanos[Math.min(nanos.length - 1, (int) (nanos.length * 0.99))] / 1e6);
  }

  private static void printTable(List<Target> targets, Settings s, Map<Target, Map<Integer, double[][]>> perRound,
      PrintStream out) {
    Target ts = targets.stream().filter(t -> !t.ours()).findFirst().orElse(null);
    out.printf("%ntools/call of the light tool over Streamable HTTP, median of %d rounds × %d calls per level"
        + " (ratio = ours / TS; calls/s above 1 is faster, latency below 1 is faster)%n%n", s.rounds(), s.calls());
    out.println("| server (tool) | concurrent clients | calls/s | p50 | p99 | server CPU/call | calls/s ours/TS"
        + " | p50 ours/TS | p99 ours/TS | CPU/call ours/TS |");
    out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
    for (int c : s.concurrency()) {
      for (Target t : targets) {
        double[][] r = perRound.get(t).get(c);
        double rate = SideBySideBench.median(column(r, 0));
        double p50 = SideBySideBench.median(column(r, 1));
        double p99 = SideBySideBench.median(column(r, 2));
        double cpu = SideBySideBench.median(column(r, 3));
        String ratios = " | | | |";
        if (ts != null && t.ours()) {
          double[][] o = perRound.get(ts).get(c);
          ratios = String.format(" %.2f | %.2f | %.2f | %.2f |", rate / SideBySideBench.median(column(o, 0)),
              p50 / SideBySideBench.median(column(o, 1)), p99 / SideBySideBench.median(column(o, 2)),
              cpu / SideBySideBench.median(column(o, 3)));
        }
        out.printf("| %s (`%s`) | %d | %.0f | %.2f ms | %.2f ms | %.0f µs |%s%n", t.label(), t.tool(), c, rate, p50, p99,
            cpu, ratios);
      }
    }
  }

  private static double[] column(double[][] rows, int i) {
    double[] c = new double[rows.length];
    for (int r = 0; r < rows.length; r++) c[r] = rows[r][i];
    return c;
  }

  private static void awaitPort(Target t, Process p, Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!p.isAlive()) throw new IllegalStateException(t.label() + " exited with " + p.exitValue() + " before listening");
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", t.port()), 200);
        return;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(100);
      }
    }
    throw new IllegalStateException(t.label() + " did not listen on " + t.port() + " within " + timeout);
  }

  /** One MCP session over HTTP with its own HTTP client (its own connection). */
  static final class Session {
    private final HttpClient client;
    private final Target target;
    private final String sessionId;
    private final AtomicInteger ids = new AtomicInteger(1);

    private Session(HttpClient client, Target target, String sessionId) {
      this.client = client;
      this.target = target;
      this.sessionId = sessionId;
    }

    static Session open(Target t) throws IOException, InterruptedException {
      HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(10)).build();
      HttpResponse<String> init = client.send(request(t, null, "{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\","
          + "\"params\":{\"protocolVersion\":\"2025-06-18\",\"capabilities\":{},\"clientInfo\":{\"name\":\"bench\","
          + "\"version\":\"1\"}}}"), HttpResponse.BodyHandlers.ofString());
      String id = init.headers().firstValue("mcp-session-id").orElseThrow(() -> new IllegalStateException(
          t.label() + ": initialize answered " + init.statusCode() + " without a session id: " + init.body()));
      HttpResponse<String> ack = client.send(request(t, id, "{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}"),
          HttpResponse.BodyHandlers.ofString());
      if (ack.statusCode() / 100 != 2) throw new IllegalStateException(t.label() + ": initialized answered " + ack.statusCode());
      return new Session(client, t, id);
    }

    void call(String tool) throws IOException, InterruptedException {
      int id = ids.getAndIncrement();
      HttpRequest req = request(target, sessionId, "{\"jsonrpc\":\"2.0\",\"id\":" + id
          + ",\"method\":\"tools/call\",\"params\":{\"name\":\"" + tool + "\",\"arguments\":{}}}");
      HttpResponse<String> r;
      try {
        r = client.send(req, HttpResponse.BodyHandlers.ofString());
      } catch (IOException staleConnection) {
        // A kept-alive connection the server closed while this session sat idle (the other target's turn):
        // the light tool only reads, so the call is sent once more on a fresh connection.
        r = client.send(req, HttpResponse.BodyHandlers.ofString());
      }
      if (r.statusCode() != 200 || !r.body().contains("\"result\"") || r.body().contains("\"isError\":true")) {
        throw new IllegalStateException("tools/call answered " + r.statusCode() + ": " + r.body());
      }
    }

    private static HttpRequest request(Target t, String sessionId, String body) {
      HttpRequest.Builder b = HttpRequest.newBuilder(URI.create(t.url())).timeout(Duration.ofSeconds(60))
          .header("Accept", "application/json, text/event-stream").header("Content-Type", "application/json")
          .POST(HttpRequest.BodyPublishers.ofString(body));
      if (sessionId != null) b.header("Mcp-Session-Id", sessionId).header("Mcp-Protocol-Version", "2025-06-18");
      t.headers().forEach(b::header);
      return b.build();
    }
  }
}
