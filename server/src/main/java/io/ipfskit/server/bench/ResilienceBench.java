package io.ipfskit.server.bench;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ipfskit.core.resilience.CallRejectedException;
import io.ipfskit.core.resilience.OperationClass;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.resilience.ResilienceConfig;
import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.BackendRegistry;
import io.ipfskit.core.storage.BackendsConfig;
import io.ipfskit.core.storage.HealthThresholds;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.ipfs.IpfsBackend;
import io.ipfskit.core.storage.ipfs.IpfsConfig;
import io.ipfskit.core.wal.NewOperation;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.OperationType;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WriteAheadLog;
import io.ipfskit.server.faults.FaultProxy;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Consumer;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.io.entity.EntityUtils;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.databind.node.JsonNodeFactory;

/**
 * {@code ipfs-kit bench resilience}: the reference documents' resilience tables reproduced side by
 * side on a real IPFS node, each fault made by a {@link FaultProxy} of our own on the loopback
 * between the client and the node (real TCP resets, real HTTP 429/503 answers; no mock of IPFS).
 *
 * <ol>
 *   <li><b>Overhead</b>: WAL {@code add} → completed (4 KiB), the same work through a {@link
 *       BackendRegistry} that wraps its backends in the resilience layer and one that does not
 *       ({@link BackendRegistry#openUnprotected}), interleaved; plus the bare backend call both ways.
 *   <li><b>Outage</b>: both sides (with and without the layer) behind their own proxy; both proxies
 *       reset every connection for the outage, during which each side's WAL holds queued {@code
 *       add}s and a caller calls {@code pin} every 100 ms; then both pass again at the same moment.
 *       Counted: calls made and calls that reached the dead backend (the reference's "wasted" share);
 *       timed: first caller success, first and last WAL completion after the return; checked on the
 *       node: every added CID pinned.
 *   <li><b>Faults</b>: network blips (a share of requests reset after they were sent), transient
 *       errors (HTTP 503) and rate limiting (HTTP 429), each for a share of requests: one attempt
 *       without retry, the same read retried in process under the read policy and the retry budget
 *       ({@link Resilience#retrying}), and {@code add}s through the WAL until they complete.
 *   <li><b>Pool</b>: 100 sequential requests ({@code version}) with HttpClient 5's pooling manager
 *       configured as {@code IpfsBackend} does vs a new connection per request.
 * </ol>
 *
 * Timing is from one run, sides interleaved or concurrent, so drift of the machine hits both; figures
 * are medians. Nothing here asserts time ({@code BenchResilienceIT} checks the tables' shape).
 */
public final class ResilienceBench {
  private ResilienceBench() {}

  /** How much work each part does. */
  public record Profile(String name, int overheadRounds, int outageOps, Duration outage, int faultCalls,
      int faultWalOps, double faultShare, int poolRepeats, int poolRequests) {
    public Profile {
      if (overheadRounds < 1 || outageOps < 1 || faultCalls < 1 || faultWalOps < 1 || poolRepeats < 1
          || poolRequests < 1)
        throw new IllegalArgumentException("every count of a profile must be >= 1");
    }

    /** The measurement: the configured layer as it is. */
    public static Profile full(Duration outage) {
      return new Profile("full", 200, 50, outage, 100, 50, 0.3, 5, 100);
    }

    /** A smoke test (seconds, not a measurement). */
    public static Profile quick() {
      return new Profile("quick", 10, 5, Duration.ofSeconds(3), 10, 5, 0.3, 1, 20);
    }
  }

  /**
   * The settings {@code --quick} lays over the configured ones so a smoke run takes seconds: a 2 s
   * open breaker, 0.5 s health probes and ramp steps.
   */
  public static final Map<String, String> QUICK_SETTINGS = Map.of("IPFS_KIT_BREAKER_WAIT_IN_OPEN", "2",
      "IPFS_KIT_HEALTH_INTERVAL", "0.5", "IPFS_KIT_RAMP_INTERVAL", "0.5");

  /** WAL retry timing for every side (printed in the header): the WAL's own defaults are minutes. */
  static final Map<String, String> WAL_RETRY = Map.of("retry_delay", "1", "max_retry_delay", "10", "max_retries", "5");

  private static final Duration IPFS_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration CALLER_EVERY = Duration.ofMillis(100);
  private static final Duration WAIT_LIMIT = Duration.ofMinutes(10);

  /** The parts, in the order they run. */
  public enum Part { OVERHEAD, OUTAGE, FAULTS, POOL }

  /** Runs every part against the node at {@code api} and prints Markdown tables to {@code out}. */
  public static void run(URI api, ResilienceConfig layer, HealthThresholds health, Profile profile, Path scratch,
      PrintStream out) throws Exception {
    run(api, layer, health, profile, java.util.EnumSet.allOf(Part.class), scratch, out);
  }

  /** Runs {@code parts} against the node at {@code api} and prints Markdown tables to {@code out}. */
  public static void run(URI api, ResilienceConfig layer, HealthThresholds health, Profile profile,
      java.util.Set<Part> parts, Path scratch, PrintStream out) throws Exception {
    Files.createDirectories(scratch);
    out.printf(Locale.ROOT, "# Resilience benchmark (%s)%n%n", profile.name());
    out.printf(Locale.ROOT, "%d CPUs, Java %s, load average %s at the start; node %s%n%n",
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"), loadAverage(), api);
    ResilienceConfig.Breaker b = layer.breaker();
    ResilienceConfig.Ramp r = layer.ramp();
    out.printf(Locale.ROOT, "Layer: breaker %s window %d, minimum %d calls, opens at %d %% failures or %d %% slow"
            + " (>= %s), open %s, %d half-open probes; ramp %s from %.0f %% by %.0f %% every %s after a %s cooldown,"
            + " %d successes to finish; health probe every %s (every %s while unhealthy or the breaker is open);"
            + " WAL retries: %s (every side alike)%n%n",
        b.windowType(), b.windowSize(), b.minimumCalls(), b.failureRateThreshold(), b.slowCallRateThreshold(),
        human(b.slowCallDuration()), human(b.waitInOpen()), b.halfOpenProbes(), r.strategy(), r.initialRate() * 100,
        r.increment() * 100, human(r.interval()), human(r.cooldown()), r.successThreshold(),
        human(health.probeInterval()), human(health.recoveryProbeInterval()), WAL_RETRY);
    if (parts.contains(Part.OVERHEAD)) overhead(api, layer, health, profile, scratch.resolve("overhead"), out);
    if (parts.contains(Part.OUTAGE)) outage(api, layer, health, profile, scratch.resolve("outage"), out);
    if (parts.contains(Part.FAULTS)) faults(api, layer, health, profile, scratch.resolve("faults"), out);
    if (parts.contains(Part.POOL)) pool(api, profile, out);
    out.printf(Locale.ROOT, "%nLoad average %s at the end.%n", loadAverage());
  }

  // ------------------------------------------------------------------ 1. overhead

  private static void overhead(URI api, ResilienceConfig layer, HealthThresholds health, Profile p, Path dir,
      PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "## WAL add → completed, with and without the layer (4 KiB, %d rounds interleaved)%n%n",
        p.overheadRounds());
    out.println("Three sides on the same node, each with its own registry and WAL: bare, behind the layer, and bare"
        + " again (an A/A control: what two identical sides differ by in this run is the noise floor). Round i runs"
        + " them in rotated order, so each side is first, second and third equally often.");
    out.println();
    List<List<Double>> wal = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    List<List<Double>> call = List.of(new ArrayList<>(), new ArrayList<>(), new ArrayList<>());
    try (Side bare = Side.open("bare", false, api, layer, health, dir.resolve("bare"));
        Side with = Side.open("layer", true, api, layer, health, dir.resolve("layer"));
        Side control = Side.open("control", false, api, layer, health, dir.resolve("control"))) {
      List<Side> sides = List.of(bare, with, control);
      for (int i = -3; i < p.overheadRounds(); i++) { // i < 0: warm-up, not counted
        for (int k = 0; k < 3; k++) {
          int idx = Math.floorMod(i + k, 3);
          Side s = sides.get(idx);
          double w = s.timedWalAdd(content(s.label + "-wal-" + i, 4096));
          double c = s.timedCallAdd(content(s.label + "-call-" + i, 4096));
          if (i >= 0) {
            wal.get(idx).add(w);
            call.get(idx).add(c);
          }
        }
      }
    }
    out.println("| path | backends | p50 | p99 | p50 ÷ bare |");
    out.println("|---|---|---:|---:|---:|");
    row(out, "WAL add → completed", "bare (`openUnprotected`)", wal.get(0), wal.get(0));
    row(out, "WAL add → completed", "behind the layer (`BackendRegistry` wraps)", wal.get(1), wal.get(0));
    row(out, "WAL add → completed", "bare again (A/A control)", wal.get(2), wal.get(0));
    row(out, "backend `add` call", "bare", call.get(0), call.get(0));
    row(out, "backend `add` call", "behind the layer", call.get(1), call.get(0));
    row(out, "backend `add` call", "bare again (A/A control)", call.get(2), call.get(0));
    double bareBoth = median(concat(wal.get(0), wal.get(2)));
    out.printf(Locale.ROOT, "%nWAL overhead of the layer: %+.1f %% against both bare sides pooled (against bare: %+.1f %%;"
            + " the A/A control differs from bare by %+.1f %%)%n%n", (median(wal.get(1)) / bareBoth - 1) * 100,
        (median(wal.get(1)) / median(wal.get(0)) - 1) * 100, (median(wal.get(2)) / median(wal.get(0)) - 1) * 100);
  }

  private static List<Double> concat(List<Double> a, List<Double> b) {
    List<Double> all = new ArrayList<>(a);
    all.addAll(b);
    return all;
  }

  private static void row(PrintStream out, String path, String backends, List<Double> ms, List<Double> base) {
    out.printf(Locale.ROOT, "| %s | %s | %s | %s | %.3f |%n", path, backends, ms(median(ms)),
        ms(BackendsBench.percentile(ms, 99)), median(ms) / median(base));
  }

  // ------------------------------------------------------------------ 2. outage

  private static void outage(URI api, ResilienceConfig layer, HealthThresholds health, Profile p, Path dir,
      PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "## Outage of %s: calls wasted on a dead backend, recovery after it returns%n%n",
        human(p.outage()));
    out.printf(Locale.ROOT, "Each side: its own proxy (reset mode = every connection reset), %d WAL adds queued at"
        + " the start of the outage and a caller calling `pin` every %d ms until its first success after the"
        + " return. Both proxies switch at the same moment.%n%n", p.outageOps(), CALLER_EVERY.toMillis());
    String known = knownCid(api);
    try (FaultProxy proxyBare = FaultProxy.start(api); FaultProxy proxyLayer = FaultProxy.start(api);
        Side bare = Side.open("without the layer", false, proxyBare.uri(), layer, health, dir.resolve("bare"));
        Side with = Side.open("with the layer", true, proxyLayer.uri(), layer, health, dir.resolve("layer"))) {
      bare.timedWalAdd(content("warm-bare", 64));
      with.timedWalAdd(content("warm-layer", 64));
      List<Side> sides = List.of(bare, with);
      List<FaultProxy> proxies = List.of(proxyBare, proxyLayer);
      int[] connectionsBefore = {proxyBare.settle(), proxyLayer.settle()};
      for (FaultProxy x : proxies) x.reset();
      long down = System.nanoTime();
      List<Caller> callers = new ArrayList<>();
      for (Side s : sides) {
        s.calls.reset();
        callers.add(Caller.start(s, known));
        for (int i = 0; i < p.outageOps(); i++) s.queue(content(s.label + "-outage-" + i + "-" + down, 1024));
      }
      TimeUnit.NANOSECONDS.sleep(p.outage().toNanos()); // the outage itself
      long[][] duringOutage = new long[2][];
      int[] connections = new int[2];
      for (int k = 0; k < 2; k++) {
        duringOutage[k] = sides.get(k).calls.snapshot();
        connections[k] = proxies.get(k).settle() - connectionsBefore[k];
      }
      long back = System.nanoTime();
      for (FaultProxy x : proxies) x.pass();
      for (Side s : sides) s.awaitQueued(WAIT_LIMIT);
      for (Caller c : callers) c.awaitFirstSuccessAfter(back, WAIT_LIMIT);
      out.println("| side | calls made during the outage | reached the dead backend | refused by the layer (no"
          + " network) | share wasted | TCP connections at the proxy | caller's first success after the return"
          + " | WAL: first completed | WAL: all completed | completed | failed | pinned on the node |");
      out.println("|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|");
      List<String> outageFailures = new ArrayList<>();
      for (int k = 0; k < 2; k++) {
        Side s = sides.get(k);
        long made = duringOutage[k][0];
        long refused = duringOutage[k][1];
        List<Operation> done = s.queuedResults();
        long completed = done.stream().filter(o -> o.status() == OperationStatus.COMPLETED).count();
        long failed = done.size() - completed;
        int pinned = 0;
        for (Operation o : done) if (o.status() == OperationStatus.COMPLETED && pinnedOnNode(api, o.result().cid())) pinned++;
        for (Operation o : done) {
          if (o.status() != OperationStatus.COMPLETED)
            outageFailures.add(s.label + ": " + o.status() + " after " + o.retryCount() + " retries: " + o.error());
        }
        out.printf(Locale.ROOT, "| %s | %d | %d | %d | %.0f %% | %d | %s | %s | %s | %d | %d | %d |%n", s.label, made,
            made - refused, refused, made == 0 ? 0 : 100.0 * (made - refused) / made, connections[k],
            ms(callers.get(k).firstSuccessAfter(back)), ms(s.firstFinishedAfter(back)), ms(s.lastFinishedAfter(back)),
            completed, failed, pinned);
      }
      out.println();
      for (String failure : outageFailures) out.println("- WAL add not completed: " + failure);
      if (!outageFailures.isEmpty()) out.println();
      out.println("Calls made = every call the WAL and the caller made on the side's backend (as the registry hands"
          + " it out); reached = made − refused by the layer (CallRejectedException, no connection). TCP connections"
          + " include the health probes and the IPFS client's one-connect check after a broken call. Times are from"
          + " the moment both proxies pass again.");
      out.println();
    }
  }

  /** Calls {@code pin(cid)} on a side's backend every {@link #CALLER_EVERY}, noting success times. */
  private static final class Caller implements AutoCloseable {
    private final Thread thread;
    private final List<Long> successes = java.util.Collections.synchronizedList(new ArrayList<>());
    private volatile boolean stop;

    private Caller(Side side, String cid) {
      thread = new Thread(() -> {
        while (!stop) {
          try {
            side.backend().pin(cid);
            successes.add(System.nanoTime());
          } catch (StorageException | RuntimeException expectedDuringOutage) {
            // counted by the side's call counter
          }
          try {
            TimeUnit.NANOSECONDS.sleep(CALLER_EVERY.toNanos()); // the caller's pace, part of the scenario
          } catch (InterruptedException e) {
            return;
          }
        }
      }, "bench-caller-" + side.label);
      thread.setDaemon(true);
    }

    static Caller start(Side side, String cid) {
      Caller c = new Caller(side, cid);
      c.thread.start();
      return c;
    }

    void awaitFirstSuccessAfter(long t, Duration limit) throws InterruptedException {
      long end = System.nanoTime() + limit.toNanos();
      while (firstSuccessAfter(t) < 0 && System.nanoTime() < end) TimeUnit.MILLISECONDS.sleep(20);
      close();
    }

    double firstSuccessAfter(long t) {
      synchronized (successes) {
        return successes.stream().filter(s -> s >= t).findFirst().map(s -> (s - t) / 1e6).orElse(-1.0);
      }
    }

    @Override
    public void close() throws InterruptedException {
      stop = true;
      thread.interrupt();
      thread.join(TimeUnit.SECONDS.toMillis(30));
    }
  }

  // ------------------------------------------------------------------ 3. faults

  private static void faults(URI api, ResilienceConfig layer, HealthThresholds health, Profile p, Path dir,
      PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "## Success under injected faults (%.0f %% of requests; %d reads each way, %d WAL adds)%n%n",
        p.faultShare() * 100, p.faultCalls(), p.faultWalOps());
    out.println("| fault | one attempt, no retry | retried in process (read policy, retry budget) | retries granted"
        + " / denied by the budget | WAL adds completed (eventually) | WAL retries spent | WAL: all completed after |"
        + " requests the proxy faulted |");
    out.println("|---|---:|---:|---:|---:|---:|---:|---:|");
    String cid = knownCid(api);
    record Fault(String label, Consumer<FaultProxy> on) {}
    List<Fault> kinds = List.of(
        new Fault("network blip (request reset after it was sent)", x -> x.resetRequests(p.faultShare())),
        new Fault("transient error (HTTP 503)", x -> x.answer(503, p.faultShare())),
        new Fault("rate limiting (HTTP 429)", x -> x.answer(429, p.faultShare())));
    int n = 0;
    List<String> failures = new ArrayList<>();
    for (Fault f : kinds) {
      n++;
      try (FaultProxy proxy = FaultProxy.start(api);
          IpfsBackend once = IpfsBackend.open(new IpfsConfig(proxy.uri(), IPFS_TIMEOUT, true));
          IpfsBackend retried = IpfsBackend.open(new IpfsConfig(proxy.uri(), IPFS_TIMEOUT, true))) {
        Resilience r = Resilience.create(layer);
        StorageBackend guarded = r.wrap(retried);
        f.on().accept(proxy);
        int okOnce = 0;
        int okRetried = 0;
        for (int i = 0; i < p.faultCalls(); i++) {
          try {
            once.get(cid, OutputStream.nullOutputStream());
            okOnce++;
          } catch (StorageException e) {
            // counted as a failure
          }
          try {
            r.retrying(guarded.name(), OperationClass.READ, () -> {
              guarded.get(cid, OutputStream.nullOutputStream());
              return null;
            });
            okRetried++;
          } catch (StorageException e) {
            // failed within the budget
          }
        }
        Resilience.RetryFigures rf = r.retryFigures(guarded.name());
        long walStart = System.nanoTime();
        long completed;
        int retriesSpent = 0;
        double allAfter;
        try (Side side = Side.open("faults", true, proxy.uri(), layer, health, dir.resolve("f" + n))) {
          for (int i = 0; i < p.faultWalOps(); i++) side.queue(content("fault-" + n + "-" + i + "-" + walStart, 1024));
          side.awaitQueued(WAIT_LIMIT);
          List<Operation> done = side.queuedResults();
          completed = done.stream().filter(o -> o.status() == OperationStatus.COMPLETED).count();
          for (Operation o : done) {
            retriesSpent += o.retryCount();
            if (o.status() != OperationStatus.COMPLETED)
              failures.add(f.label() + ": " + o.status() + " after " + o.retryCount() + " retries: " + o.error());
          }
          allAfter = side.lastFinishedAfter(walStart);
        }
        out.printf(Locale.ROOT, "| %s | %s | %s | %d / %d | %s | %d | %s | %d |%n", f.label(),
            share(okOnce, p.faultCalls()), share(okRetried, p.faultCalls()), rf.retriesGranted(), rf.retriesDenied(),
            share(completed, p.faultWalOps()), retriesSpent, ms(allAfter), proxy.answered());
      }
    }
    out.println();
    for (String failure : failures) out.println("- WAL add not completed: " + failure);
    if (!failures.isEmpty()) out.println();
    out.printf(Locale.ROOT, "Faults are spread evenly over the requests that reach the proxy (every %.1fth). The"
        + " read is `get` of a stored 1 KiB CID; WAL adds run behind the layer with the WAL retry timing above.%n%n",
        1 / p.faultShare());
  }

  // ------------------------------------------------------------------ 4. pool

  private static void pool(URI api, Profile p, PrintStream out) throws Exception {
    out.printf(Locale.ROOT, "## Pooled vs unpooled connections (%d sequential `version` requests, %d repeats"
        + " interleaved)%n%n", p.poolRequests(), p.poolRepeats());
    Timeout timeout = Timeout.ofSeconds(30);
    ConnectionConfig cc = ConnectionConfig.custom().setConnectTimeout(timeout).setSocketTimeout(Timeout.ofSeconds(35))
        .setValidateAfterInactivity(TimeValue.ofMilliseconds(500)).build();
    List<Double> pooledEach = new ArrayList<>();
    List<Double> unpooledEach = new ArrayList<>();
    List<Double> pooledTotal = new ArrayList<>();
    List<Double> unpooledTotal = new ArrayList<>();
    try (CloseableHttpClient pooled = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setDefaultConnectionConfig(cc)
                .setMaxConnTotal(16).setMaxConnPerRoute(16).build())
            .disableAutomaticRetries().build();
        CloseableHttpClient unpooled = HttpClients.custom()
            .setConnectionManager(PoolingHttpClientConnectionManagerBuilder.create().setDefaultConnectionConfig(cc)
                .setMaxConnTotal(16).setMaxConnPerRoute(16).build())
            .setConnectionReuseStrategy((request, response, context) -> false) // same manager, never reused
            .disableAutomaticRetries().build()) {
      URI version = URI.create(api + "/api/v0/version");
      for (int rep = -1; rep < p.poolRepeats(); rep++) { // rep -1: warm-up
        for (boolean usePool : rep % 2 == 0 ? new boolean[] {true, false} : new boolean[] {false, true}) {
          CloseableHttpClient c = usePool ? pooled : unpooled;
          long start = System.nanoTime();
          for (int i = 0; i < p.poolRequests(); i++) {
            long t = System.nanoTime();
            c.execute(new HttpPost(version), response -> {
              if (response.getCode() != 200) throw new IOException("version answered " + response.getCode());
              EntityUtils.consume(response.getEntity());
              return null;
            });
            if (rep >= 0) (usePool ? pooledEach : unpooledEach).add((System.nanoTime() - t) / 1e6);
          }
          if (rep >= 0) (usePool ? pooledTotal : unpooledTotal).add((System.nanoTime() - start) / 1e6);
        }
      }
    }
    out.printf(Locale.ROOT, "| client | per request p50 | per request p99 | %d sequential requests (median) |%n",
        p.poolRequests());
    out.println("|---|---:|---:|---:|");
    out.printf(Locale.ROOT, "| pooled (HttpClient 5 pool as IpfsBackend configures it) | %s | %s | %s |%n",
        ms(median(pooledEach)), ms(BackendsBench.percentile(pooledEach, 99)), ms(median(pooledTotal)));
    out.printf(Locale.ROOT, "| unpooled (new TCP connection per request) | %s | %s | %s |%n", ms(median(unpooledEach)),
        ms(BackendsBench.percentile(unpooledEach, 99)), ms(median(unpooledTotal)));
    out.printf(Locale.ROOT, "%nConnection overhead per request: %s (unpooled p50 − pooled p50); pooled is %.0f %% faster"
        + " for %d sequential requests.%n", ms(median(unpooledEach) - median(pooledEach)),
        (1 - median(pooledTotal) / median(unpooledTotal)) * 100, p.poolRequests());
  }

  // ------------------------------------------------------------------ one side: registry + WAL

  /**
   * One side of a comparison: a {@link BackendRegistry} with the {@code ipfs} backend at {@code api}
   * (wrapped by the layer or not), health probes running, a WAL on it as the server opens it, and a
   * counter of the calls made on the backend the registry hands out.
   */
  private static final class Side implements AutoCloseable {
    final String label;
    final BackendRegistry registry;
    final CountingBackend calls;
    final WriteAheadLog wal;
    final List<String> queued = java.util.Collections.synchronizedList(new ArrayList<>());
    final Map<String, Long> finishedAt = new ConcurrentHashMap<>();

    private Side(String label, BackendRegistry registry, WriteAheadLog wal, CountingBackend calls) {
      this.label = label;
      this.registry = registry;
      this.wal = wal;
      this.calls = calls;
      wal.onFinished(op -> finishedAt.put(op.operationId(), System.nanoTime()));
    }

    static Side open(String label, boolean layer, URI api, ResilienceConfig config, HealthThresholds health, Path dir)
        throws IOException {
      Files.createDirectories(dir);
      Map<String, BackendRegistry.Factory> factories = Map.of("ipfs",
          c -> Optional.of(IpfsBackend.open(new IpfsConfig(api, IPFS_TIMEOUT, true))));
      BackendsConfig bc = new BackendsConfig(dir.resolve("blocks"));
      BackendRegistry registry = layer
          ? BackendRegistry.open(bc, factories, health, Clock.systemUTC(), Resilience.create(config))
          : BackendRegistry.openUnprotected(bc, factories, health, Clock.systemUTC());
      try {
        registry.startHealthProbes();
        CountingBackend counting = new CountingBackend(registry.get("ipfs"));
        WalConfig wc = WalConfig.defaults(dir).with(WAL_RETRY);
        WriteAheadLog wal = WriteAheadLog.open(wc, Map.of("ipfs", counting), registry.monitor(), Clock.systemUTC());
        return new Side(label, registry, wal, counting);
      } catch (IOException | RuntimeException e) {
        registry.close();
        throw e;
      }
    }

    StorageBackend backend() {
      return calls;
    }

    String queue(String text) throws IOException {
      Operation op = wal.add(new NewOperation(OperationType.ADD, "ipfs",
          JsonNodeFactory.instance.objectNode().put("content", text)));
      queued.add(op.operationId());
      return op.operationId();
    }

    /** Queue → completed of one add, in milliseconds. */
    double timedWalAdd(String text) throws IOException, InterruptedException {
      long t0 = System.nanoTime();
      Operation op = wal.waitFor(queue(text), WAIT_LIMIT);
      long t1 = System.nanoTime();
      queued.remove(op.operationId());
      if (op.status() != OperationStatus.COMPLETED)
        throw new IllegalStateException(label + ": add did not complete: " + op.status() + " " + op.error());
      return (t1 - t0) / 1e6;
    }

    /** One {@code add} call on the registry's backend, in milliseconds. */
    double timedCallAdd(String text) throws StorageException {
      long t0 = System.nanoTime();
      calls.add(new ByteArrayInputStream(text.getBytes(UTF_8)));
      return (System.nanoTime() - t0) / 1e6;
    }

    void awaitQueued(Duration limit) throws InterruptedException {
      for (String id : List.copyOf(queued)) {
        Operation op = wal.waitFor(id, limit);
        if (op.status() != OperationStatus.COMPLETED && op.status() != OperationStatus.FAILED)
          throw new IllegalStateException(label + ": operation " + id + " still " + op.status() + " after " + limit);
      }
    }

    List<Operation> queuedResults() {
      List<Operation> ops = new ArrayList<>();
      for (String id : List.copyOf(queued)) ops.add(wal.get(id).orElseThrow());
      return ops;
    }

    double firstFinishedAfter(long t) {
      return List.copyOf(queued).stream().map(finishedAt::get).filter(v -> v != null && v >= t).mapToLong(Long::longValue)
          .min().stream().mapToDouble(v -> (v - t) / 1e6).findFirst().orElse(-1);
    }

    double lastFinishedAfter(long t) {
      return List.copyOf(queued).stream().map(finishedAt::get).filter(v -> v != null && v >= t).mapToLong(Long::longValue)
          .max().stream().mapToDouble(v -> (v - t) / 1e6).findFirst().orElse(-1);
    }

    @Override
    public void close() throws IOException {
      try {
        wal.close();
      } finally {
        registry.close();
      }
    }
  }

  /**
   * Counts the data calls made on a backend and those the resilience layer refused without a
   * connection ({@link CallRejectedException}); passes everything through.
   */
  static final class CountingBackend implements StorageBackend {
    private final StorageBackend backend;
    private final AtomicLong made = new AtomicLong();
    private final AtomicLong refused = new AtomicLong();

    CountingBackend(StorageBackend backend) {
      this.backend = backend;
    }

    void reset() {
      made.set(0);
      refused.set(0);
    }

    /** {made, refused}. */
    long[] snapshot() {
      return new long[] {made.get(), refused.get()};
    }

    private interface Call<T> {
      T run() throws StorageException;
    }

    private <T> T counted(Call<T> call) throws StorageException {
      made.incrementAndGet();
      try {
        return call.run();
      } catch (CallRejectedException e) {
        refused.incrementAndGet();
        throw e;
      }
    }

    @Override
    public String name() {
      return backend.name();
    }

    @Override
    public StoredContent add(InputStream content) throws StorageException {
      return counted(() -> backend.add(content));
    }

    @Override
    public void get(String cid, OutputStream out) throws StorageException {
      counted(() -> {
        backend.get(cid, out);
        return null;
      });
    }

    @Override
    public void pin(String cid) throws StorageException {
      counted(() -> {
        backend.pin(cid);
        return null;
      });
    }

    @Override
    public void unpin(String cid) throws StorageException {
      counted(() -> {
        backend.unpin(cid);
        return null;
      });
    }

    @Override
    public void remove(String cid) throws StorageException {
      counted(() -> {
        backend.remove(cid);
        return null;
      });
    }

    @Override
    public BackendHealth health() {
      return backend.health();
    }

    @Override
    public Optional<io.ipfskit.core.storage.PoolStats> poolStats() {
      return backend.poolStats();
    }

    @Override
    public void close() {
      // the registry closes the backend
    }
  }

  // ------------------------------------------------------------------ helpers

  private static final HttpClient JDK = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(10)).build();

  /** Stores 1 KiB on the node (straight, not through a proxy) and returns its CID. */
  private static String knownCid(URI api) throws StorageException {
    try (IpfsBackend direct = IpfsBackend.open(new IpfsConfig(api, IPFS_TIMEOUT, true))) {
      return direct.add(new ByteArrayInputStream(content("bench-resilience-known-" + System.nanoTime(), 1024)
          .getBytes(UTF_8))).cid();
    }
  }

  /** The node's own answer (JDK HTTP client, not the code measured) whether {@code cid} is pinned. */
  private static boolean pinnedOnNode(URI api, String cid) throws IOException, InterruptedException {
    HttpResponse<String> r = JDK.send(HttpRequest.newBuilder(URI.create(api + "/api/v0/pin/ls?arg=" + cid
        + "&type=recursive&cid-base=base32")).timeout(Duration.ofSeconds(30)).POST(HttpRequest.BodyPublishers.noBody())
        .build(), HttpResponse.BodyHandlers.ofString());
    return r.statusCode() == 200 && r.body().contains(cid);
  }

  /** {@code bytes} characters of text that start with {@code tag} (so every piece of content differs). */
  static String content(String tag, int bytes) {
    StringBuilder b = new StringBuilder(bytes).append(tag).append('\n');
    while (b.length() < bytes) b.append("resilience bench filler ");
    b.setLength(bytes);
    return b.toString();
  }

  static double median(List<Double> v) {
    return BackendsBench.percentile(v, 50);
  }

  private static String share(long ok, int of) {
    return String.format(Locale.ROOT, "%.0f %% (%d/%d)", 100.0 * ok / of, ok, of);
  }

  private static String ms(double v) {
    if (v < 0) return "—";
    if (v >= 10_000) return String.format(Locale.ROOT, "%.1f s", v / 1000);
    return v < 10 ? String.format(Locale.ROOT, "%.2f ms", v) : String.format(Locale.ROOT, "%.0f ms", v);
  }

  private static String human(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + " s" : d.toMillis() + " ms";
  }

  /** The 1-minute load average (Linux {@code /proc/loadavg}), or "n/a". */
  static String loadAverage() {
    try {
      return Files.readString(Path.of("/proc/loadavg")).split(" ")[0];
    } catch (IOException | RuntimeException e) {
      return "n/a";
    }
  }
}
