package io.ipfskit.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * ipfs-kit and the TypeScript SDK's reference server side by side, in one run, through the same
 * Java client speaking JSON-RPC lines ({@link StdioBench.Session}), so both pay the same client
 * costs:
 *
 * <ul>
 *   <li>Cold start: process start → first {@code tools/list} answer, each target once per round,
 *       the order rotating every round; a fresh {@code IPFS_KIT_HOME} each time.
 *   <li>Throughput: one long-lived session per target, warmed up, then per round (order rotating)
 *       {@code calls} sequential calls of the light tool (rate, p50, p99, server CPU per call) and
 *       {@code calls} calls with {@code inFlight} requests outstanding (rate).
 * </ul>
 *
 * Figures are medians over the rounds; ratios are ours / TS (rates: above 1 is faster; times:
 * below 1 is faster). The machine's load average is printed with them.
 */
public final class SideBySideBench {

  /** One server to measure: how to start it and which tool is its light call. */
  public record Target(String label, List<String> command, String tool, boolean ours) {
    public Target {
      if (label == null || label.isBlank()) {
        throw new IllegalArgumentException("label must be non-blank");
      }
      command = List.copyOf(command);
      if (command.isEmpty()) {
        throw new IllegalArgumentException("command must not be empty");
      }
    }

    String params() {
      return "{\"name\":\"" + tool + "\",\"arguments\":{}}";
    }
  }

  /** Sizes of one run. */
  public record Settings(int startRuns, int rounds, int calls, int warmupCalls, int inFlight) {
    public Settings {
      if (startRuns < 0 || rounds < 1 || calls < 100 || warmupCalls < 0 || inFlight < 2) {
        throw new IllegalArgumentException("startRuns must be >= 0, rounds >= 1, calls >= 100, warmupCalls >= 0"
            + " and inFlight >= 2");
      }
    }
  }

  private SideBySideBench() {}

  /** Medians of one target's cold starts. */
  record StartFigures(double wallMillis, double cpuMillis, double minMillis, double maxMillis) {}

  /** Medians of one target's rounds. */
  record CallFigures(double seqRate, double p50Millis, double p99Millis, double cpuMicrosPerCall, double pipeRate) {}

  /** Runs the cold starts for {@code startTargets} and the calls for {@code callTargets}; prints tables. */
  public static void run(List<Target> startTargets, List<Target> callTargets, Settings settings, Path scratch,
      PrintStream out) throws IOException, InterruptedException {
    out.printf("bench stdio side by side, %s, load average %s%n", Instant.now(), loadAverage());
    Map<Target, StartFigures> starts = coldStarts(startTargets, settings.startRuns(), scratch, out);
    Map<Target, CallFigures> calls = calls(callTargets, settings, scratch, out);
    out.printf("%nload average at the end: %s%n", loadAverage());
    printTables(starts, calls, settings, out);
  }

  static Map<Target, StartFigures> coldStarts(List<Target> targets, int runs, Path scratch, PrintStream out)
      throws IOException, InterruptedException {
    Map<Target, StartFigures> figures = new LinkedHashMap<>();
    if (runs == 0 || targets.isEmpty()) {
      return figures;
    }
    for (Target t : targets) {
      startOnce(t, scratch); // untimed: creates the launcher's CDS archive, warms the page cache
    }
    Map<Target, double[]> wall = new LinkedHashMap<>();
    Map<Target, double[]> cpu = new LinkedHashMap<>();
    for (Target t : targets) {
      wall.put(t, new double[runs]);
      cpu.put(t, new double[runs]);
    }
    for (int run = 0; run < runs; run++) {
      for (Target t : rotated(targets, run)) {
        double[] one = startOnce(t, scratch);
        wall.get(t)[run] = one[0];
        cpu.get(t)[run] = one[1];
      }
      out.printf("cold start round %d/%d done%n", run + 1, runs);
    }
    for (Target t : targets) {
      double[] w = wall.get(t).clone();
      Arrays.sort(w);
      figures.put(t, new StartFigures(median(wall.get(t)), median(cpu.get(t)), w[0], w[runs - 1]));
    }
    return figures;
  }

  /** {wall ms, server CPU ms} from process start to the tools/list answer. */
  private static double[] startOnce(Target t, Path scratch) throws IOException, InterruptedException {
    Path home = Files.createTempDirectory(scratch, "start-");
    long start = System.nanoTime();
    try (StdioBench.Session session = StdioBench.Session.start(t.command(), home)) {
      session.initialize();
      session.request("tools/list", "{}");
      double wall = (System.nanoTime() - start) / 1e6;
      return new double[] {wall, session.cpuNanos() / 1e6};
    }
  }

  static Map<Target, CallFigures> calls(List<Target> targets, Settings s, Path scratch, PrintStream out)
      throws IOException, InterruptedException {
    Map<Target, CallFigures> figures = new LinkedHashMap<>();
    if (targets.isEmpty()) {
      return figures;
    }
    Map<Target, StdioBench.Session> sessions = new LinkedHashMap<>();
    try {
      for (Target t : targets) {
        StdioBench.Session session = StdioBench.Session.start(t.command(), Files.createTempDirectory(scratch, "calls-"));
        sessions.put(t, session);
        session.initialize();
      }
      for (Target t : targets) { // warm-up: JIT, vault unlock, caches
        StdioBench.Session session = sessions.get(t);
        session.sequential("tools/call", t.params(), s.warmupCalls());
        session.pipelined("tools/call", t.params(), Math.max(s.warmupCalls() / 2, s.inFlight()), s.inFlight());
      }
      Map<Target, double[][]> perRound = new LinkedHashMap<>(); // [round] = {rate, p50, p99, cpu, pipe}
      for (Target t : targets) {
        perRound.put(t, new double[s.rounds()][]);
      }
      for (int round = 0; round < s.rounds(); round++) {
        for (Target t : rotated(targets, round)) {
          StdioBench.Session session = sessions.get(t);
          long cpu0 = session.cpuNanos();
          long t0 = System.nanoTime();
          long[] nanos = session.sequential("tools/call", t.params(), s.calls());
          long elapsed = System.nanoTime() - t0;
          long cpu1 = session.cpuNanos();
          long pipeNanos = session.pipelined("tools/call", t.params(), s.calls(), s.inFlight());
          Arrays.sort(nanos);
          perRound.get(t)[round] = new double[] {
              s.calls() / (elapsed / 1e9),
              nanos[nanos.length / 2] / 1e6,
              nanos[(int) (nanos.length * 0.99)] / 1e6,
              cpu0 < 0 || cpu1 < 0 ? Double.NaN : (cpu1 - cpu0) / 1e3 / s.calls(),
              s.calls() / (pipeNanos / 1e9)};
        }
        out.printf("call round %d/%d done%n", round + 1, s.rounds());
      }
      for (Target t : targets) {
        double[][] r = perRound.get(t);
        figures.put(t, new CallFigures(median(column(r, 0)), median(column(r, 1)), median(column(r, 2)),
            median(column(r, 3)), median(column(r, 4))));
      }
      return figures;
    } finally {
      for (StdioBench.Session session : sessions.values()) {
        session.close();
      }
    }
  }

  /**
   * Runs {@code target} (one of ours) with a JFR recording, warms it up, times {@code calls}
   * sequential calls and prints where the server's samples went during them.
   */
  public static void profile(Target target, int warmupCalls, int calls, Path recording, Path scratch,
      PrintStream out) throws IOException, InterruptedException {
    List<String> command = new ArrayList<>(target.command());
    String jfr = "-XX:StartFlightRecording=filename=" + recording + ",settings=profile,method-profiling=max,dumponexit=true";
    Instant from;
    long elapsed;
    // JAVA_TOOL_OPTIONS reaches the JVM behind a launcher script too.
    Path home = Files.createTempDirectory(scratch, "profile-");
    try (StdioBench.Session session = StdioBench.Session.start(command, home, Map.of("JAVA_TOOL_OPTIONS", jfr))) {
      session.initialize();
      session.sequential("tools/call", target.params(), warmupCalls);
      from = Instant.now();
      long t0 = System.nanoTime();
      session.sequential("tools/call", target.params(), calls);
      elapsed = System.nanoTime() - t0;
    }
    out.printf("profile of %s: %d sequential %s calls, %.0f calls/s while recording (load %s)%n",
        target.label(), calls, target.tool(), calls / (elapsed / 1e9), loadAverage());
    JfrBreakdown.print(recording, from, out);
  }

  private static void printTables(Map<Target, StartFigures> starts, Map<Target, CallFigures> calls,
      Settings s, PrintStream out) {
    Target tsStart = starts.keySet().stream().filter(t -> !t.ours()).findFirst().orElse(null);
    if (!starts.isEmpty()) {
      out.printf("%nCold start, process start → first tools/list answer, median of %d (ratio = ours / TS)%n%n",
          s.startRuns());
      out.println("| server | median wall | min | max | server CPU | wall ours/TS |");
      out.println("| --- | --- | --- | --- | --- | --- |");
      for (Map.Entry<Target, StartFigures> e : starts.entrySet()) {
        StartFigures f = e.getValue();
        String ratio = tsStart == null || !e.getKey().ours() ? "" : String.format("%.2f×",
            f.wallMillis() / starts.get(tsStart).wallMillis());
        out.printf("| %s | %.0f ms | %.0f ms | %.0f ms | %.0f ms | %s |%n", e.getKey().label(), f.wallMillis(),
            f.minMillis(), f.maxMillis(), f.cpuMillis(), ratio);
      }
    }
    Target tsCalls = calls.keySet().stream().filter(t -> !t.ours()).findFirst().orElse(null);
    if (!calls.isEmpty()) {
      out.printf("%ntools/call of the light tool, median of %d rounds × %d calls; pipelined = %d in flight"
          + " (ratio = ours / TS)%n%n", s.rounds(), s.calls(), s.inFlight());
      out.println("| server (tool) | sequential calls/s | p50 | p99 | server CPU/call | pipelined calls/s"
          + " | seq ours/TS | p50 ours/TS | p99 ours/TS | pipelined ours/TS |");
      out.println("| --- | --- | --- | --- | --- | --- | --- | --- | --- | --- |");
      for (Map.Entry<Target, CallFigures> e : calls.entrySet()) {
        CallFigures f = e.getValue();
        String ratios = " | | | |";
        if (tsCalls != null && e.getKey().ours()) {
          CallFigures ts = calls.get(tsCalls);
          ratios = String.format(" %.2f | %.2f | %.2f | %.2f |", f.seqRate() / ts.seqRate(),
              f.p50Millis() / ts.p50Millis(), f.p99Millis() / ts.p99Millis(), f.pipeRate() / ts.pipeRate());
        }
        out.printf("| %s (`%s`) | %.0f | %.3f ms | %.3f ms | %.0f µs | %.0f |%s%n", e.getKey().label(),
            e.getKey().tool(), f.seqRate(), f.p50Millis(), f.p99Millis(), f.cpuMicrosPerCall(), f.pipeRate(), ratios);
      }
    }
  }

  static String loadAverage() {
    try {
      String[] parts = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
      return parts[0] + " " + parts[1] + " " + parts[2];
    } catch (IOException | RuntimeException e) {
      return String.format("%.2f", java.lang.management.ManagementFactory.getOperatingSystemMXBean()
          .getSystemLoadAverage());
    }
  }

  private static List<Target> rotated(List<Target> targets, int by) {
    List<Target> r = new ArrayList<>(targets);
    java.util.Collections.rotate(r, -(by % targets.size()));
    return r;
  }

  private static double[] column(double[][] rows, int i) {
    double[] c = new double[rows.length];
    for (int r = 0; r < rows.length; r++) {
      c[r] = rows[r][i];
    }
    return c;
  }

  static double median(double[] values) {
    double[] v = values.clone();
    Arrays.sort(v);
    int n = v.length;
    return n % 2 == 1 ? v[n / 2] : (v[n / 2 - 1] + v[n / 2]) / 2;
  }
}
