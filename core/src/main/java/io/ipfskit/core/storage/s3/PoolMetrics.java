package io.ipfskit.core.storage.s3;

import io.ipfskit.core.storage.LatencyWindow;
import io.ipfskit.core.storage.PoolStats;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import software.amazon.awssdk.http.HttpMetric;
import software.amazon.awssdk.metrics.MetricCollection;
import software.amazon.awssdk.metrics.MetricPublisher;

/**
 * The S3 client's connection pool as the SDK reports it. apache5-client keeps its
 * {@code PoolingHttpClientConnectionManager} private, but publishes, with every request, the pool's
 * figures ({@link HttpMetric#MAX_CONCURRENCY}, {@code LEASED_}, {@code AVAILABLE_},
 * {@code PENDING_CONCURRENCY_ACQUIRES}) as they were at that request, and how long that request
 * waited for a connection ({@link HttpMetric#CONCURRENCY_ACQUIRE_DURATION}). This publisher keeps
 * the latest figures and a window of the waits; so {@link #stats()} is "as of the latest request",
 * not "now" (the source field says so). The SDK reports a request that got no connection as a failed
 * call, not as a metric: the backend counts it here ({@link #exhausted}).
 *
 * <p>Thread-safe: the SDK publishes from its request threads.
 */
final class PoolMetrics implements MetricPublisher {
  static final int WAIT_SAMPLES = 1024;

  private record Figures(int max, int leased, int available, int pending) {}

  private final AtomicReference<Figures> latest = new AtomicReference<>(new Figures(0, 0, 0, 0));
  private final LatencyWindow waits = new LatencyWindow(WAIT_SAMPLES);
  private final AtomicLong published = new AtomicLong();
  private final AtomicLong exhaustions = new AtomicLong();

  /** A request got no pooled connection in time (the backend sees the failure; the SDK has no metric for it). */
  void exhausted() {
    exhaustions.incrementAndGet();
  }

  @Override
  public void publish(MetricCollection metrics) {
    visit(metrics);
  }

  private void visit(MetricCollection metrics) {
    List<Integer> max = metrics.metricValues(HttpMetric.MAX_CONCURRENCY);
    if (!max.isEmpty()) {
      latest.set(new Figures(last(max), last(metrics.metricValues(HttpMetric.LEASED_CONCURRENCY)),
          last(metrics.metricValues(HttpMetric.AVAILABLE_CONCURRENCY)),
          last(metrics.metricValues(HttpMetric.PENDING_CONCURRENCY_ACQUIRES))));
      published.incrementAndGet();
    }
    for (Duration wait : metrics.metricValues(HttpMetric.CONCURRENCY_ACQUIRE_DURATION)) waits.record(wait.toNanos());
    for (MetricCollection child : metrics.children()) visit(child);
  }

  private static int last(List<Integer> values) {
    return values.isEmpty() ? 0 : Math.max(0, values.get(values.size() - 1));
  }

  PoolStats stats() {
    Figures f = latest.get();
    return new PoolStats("s3", f.max(), f.leased(), f.available(), f.pending(), waits.count(),
        waits.percentileMillis(50), waits.percentileMillis(99), exhaustions.get(),
        published.get() == 0 ? "AWS SDK metrics: no request yet" : "AWS SDK metrics, as of the latest request");
  }

  @Override
  public void close() {}
}
