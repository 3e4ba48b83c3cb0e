package io.ipfskit.server.bench;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.server.KitConfig;
import io.ipfskit.server.rest.RestApi;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.PathCheck;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCalls;
import io.ipfskit.server.wal.WalMethod;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import tools.jackson.databind.node.ObjectNode;

/**
 * REST {@code GET /api/v0/wal/operations} under {@code wrk} (Debian package {@code wrk}): a Jetty on
 * 127.0.0.1 with {@link RestApi} at {@code /api/*} (no auth filter: that is the HTTP server's part)
 * over a WAL in a scratch home holding {@value #OPERATIONS} completed operations. Measures, in
 * interleaved rounds, requests/s and wrk's p50/p99 latency for {@code limit=10} and {@code limit=100}
 * with 1 and 16 connections, and beside them the same call made in-process through {@link WalCalls}
 * on one thread (no HTTP: the floor the servlet adds to), and this JVM's CPU time per request (robust on a
 * busy machine, where throughput mostly measures the share of CPU the scheduler gave). Prints medians over the rounds as a
 * Markdown table.
 *
 * <p>Run: {@code java -cp server/target/ipfs-kit.jar io.ipfskit.server.bench.RestBench [rounds] [seconds]}.
 */
public final class RestBench {
  static final int OPERATIONS = 1_000;
  private static final Pattern RPS = Pattern.compile("Requests/sec:\\s+([0-9.]+)");
  private static final Pattern PCT = Pattern.compile("^\\s+(50|99)%\\s+([0-9.]+)(us|ms|s)\\s*$", Pattern.MULTILINE);

  private RestBench() {}

  public static void main(String[] args) throws Exception {
    int rounds = args.length > 0 ? Integer.parseInt(args[0]) : 3;
    int seconds = args.length > 1 ? Integer.parseInt(args[1]) : 5;
    Path home = Files.createTempDirectory("ipfs-kit-rest-bench-");
    try {
      run(home, rounds, seconds, System.out);
    } finally {
      StdioBench.deleteTree(home);
    }
  }

  /** @param cpuMicrosPerRequest this JVM's CPU time (all threads: Jetty, WAL, GC) per request; robust on a busy box */
  private record Sample(double rps, double p50Micros, double p99Micros, double cpuMicrosPerRequest) {}

  private static final Pattern TOTAL = Pattern.compile("([0-9]+) requests in");

  private static long processCpuNanos() {
    return ((com.sun.management.OperatingSystemMXBean) java.lang.management.ManagementFactory.getOperatingSystemMXBean())
        .getProcessCpuTime();
  }

  static void run(Path home, int rounds, int seconds, PrintStream out) throws Exception {
    try (SharedWal wal = SharedWal.forHome(KitConfig.defaults(home), null)) {
      List<String> ids = new ArrayList<>();
      for (int i = 0; i < OPERATIONS; i++) {
        ObjectNode p = OperationJson.MAPPER.createObjectNode().put("content", "bench operation " + i);
        ids.add(wal.service().add(new NewOperation(OperationType.ADD, "local", p)).operationId());
      }
      for (String id : ids) {
        Operation op = wal.service().waitFor(id, Duration.ofSeconds(60));
        if (!op.status().isTerminal()) throw new IllegalStateException("operation did not finish: " + id);
      }
      FileAccessPolicy files = new FileAccessPolicy(AllowedRoots.none(), home, home);
      Server jetty = new Server();
      ServerConnector connector = new ServerConnector(jetty);
      connector.setHost("127.0.0.1");
      connector.setPort(0);
      jetty.addConnector(connector);
      ServletContextHandler context = new ServletContextHandler();
      context.addServlet(new ServletHolder(new RestApi(wal::service, () -> files)), RestApi.PATH_SPEC);
      jetty.setHandler(context);
      jetty.start();
      try {
        String base = "http://127.0.0.1:" + connector.getLocalPort() + "/api/v0/wal/operations?limit=";
        Map<String, List<Sample>> samples = new LinkedHashMap<>();
        for (int limit : new int[] {10, 100}) {
          samples.put("in-process WalCalls list, limit=" + limit + ", 1 thread", new ArrayList<>());
          for (int c : new int[] {1, 16}) samples.put("REST limit=" + limit + ", " + c + " connection(s)", new ArrayList<>());
        }
        wrk(base + "10", 4, 2); // warm-up: JIT, Jetty pools
        inProcess(wal, 10, 2);
        for (int r = 0; r < rounds; r++) {
          for (int limit : new int[] {10, 100}) {
            samples.get("in-process WalCalls list, limit=" + limit + ", 1 thread").add(inProcess(wal, limit, seconds));
            for (int c : new int[] {1, 16}) {
              samples.get("REST limit=" + limit + ", " + c + " connection(s)").add(wrk(base + limit, c, seconds));
            }
          }
        }
        out.printf(Locale.ROOT, "REST GET /api/v0/wal/operations over %d operations; %d rounds x %d s; %d cores%n%n",
            OPERATIONS, rounds, seconds, Runtime.getRuntime().availableProcessors());
        out.println("| what | requests/s (median) | p50 | p99 | server CPU per request |");
        out.println("|---|---:|---:|---:|---:|");
        samples.forEach((name, list) -> out.printf(Locale.ROOT, "| %s | %,.0f | %s | %s | %s |%n", name,
            median(list.stream().mapToDouble(Sample::rps).toArray()),
            micros(median(list.stream().mapToDouble(Sample::p50Micros).toArray())),
            micros(median(list.stream().mapToDouble(Sample::p99Micros).toArray())),
            micros(median(list.stream().mapToDouble(Sample::cpuMicrosPerRequest).toArray()))));
      } finally {
        jetty.stop();
      }
    }
  }

  /** One thread calling the list through the same JSON edge, serialising the answer as the servlet does. */
  private static Sample inProcess(SharedWal wal, int limit, int seconds) {
    ObjectNode args = OperationJson.MAPPER.createObjectNode().put("limit", limit);
    PathCheck paths = new PathCheck.AtCaller(() -> { throw new IllegalStateException("no paths"); });
    long cpu0 = processCpuNanos();
    long end = System.nanoTime() + seconds * 1_000_000_000L;
    List<Long> nanos = new ArrayList<>();
    while (System.nanoTime() < end) {
      long t0 = System.nanoTime();
      ObjectNode r = WalCalls.call(wal.service(), WalMethod.LIST, args, WalCalls.Edge.MCP, "bench", paths);
      byte[] bytes = OperationJson.MAPPER.writeValueAsBytes(r);
      if (bytes.length == 0) throw new IllegalStateException();
      nanos.add(System.nanoTime() - t0);
    }
    double[] us = nanos.stream().mapToDouble(n -> n / 1000.0).sorted().toArray();
    double cpu = (processCpuNanos() - cpu0) / 1000.0 / nanos.size();
    return new Sample(nanos.size() / (double) seconds, us[us.length / 2], us[(int) Math.min(us.length - 1, us.length * 0.99)],
        cpu);
  }

  private static Sample wrk(String url, int connections, int seconds) throws IOException, InterruptedException {
    Process p = new ProcessBuilder("wrk", "-t" + Math.min(2, connections), "-c" + connections, "-d" + seconds + "s",
        "--latency", url).redirectErrorStream(true).start();
    long cpu0 = processCpuNanos();
    String text = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    if (p.waitFor() != 0 || text.contains("Non-2xx")) throw new IllegalStateException("wrk failed:\n" + text);
    long cpuNanos = processCpuNanos() - cpu0;
    Matcher total = TOTAL.matcher(text);
    if (!total.find()) throw new IllegalStateException("no request count in wrk output:\n" + text);
    Matcher rps = RPS.matcher(text);
    if (!rps.find()) throw new IllegalStateException("no Requests/sec in wrk output:\n" + text);
    double p50 = 0;
    double p99 = 0;
    Matcher m = PCT.matcher(text);
    while (m.find()) {
      double v = Double.parseDouble(m.group(2)) * switch (m.group(3)) {
        case "us" -> 1;
        case "ms" -> 1_000;
        default -> 1_000_000;
      };
      if (m.group(1).equals("50")) p50 = v;
      else p99 = v;
    }
    return new Sample(Double.parseDouble(rps.group(1)), p50, p99, cpuNanos / 1000.0 / Long.parseLong(total.group(1)));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s.length % 2 == 1 ? s[s.length / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
  }

  private static String micros(double us) {
    return us >= 1000 ? String.format(Locale.ROOT, "%.2f ms", us / 1000) : String.format(Locale.ROOT, "%.0f µs", us);
  }
}
