package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipfskit.core.storage.PoolStats;
import java.time.Duration;
import org.junit.jupiter.api.Test;
import software.amazon.awssdk.http.HttpMetric;
import software.amazon.awssdk.metrics.MetricCollector;

/** The SDK's own metric collections, nested as the SDK nests them (ApiCall → attempt → HttpClient). */
class PoolMetricsTest {

  private static void publish(PoolMetrics metrics, int leased, int pending, Duration wait) {
    MetricCollector call = MetricCollector.create("ApiCall");
    MetricCollector http = call.createChild("ApiCallAttempt").createChild("HttpClient");
    http.reportMetric(HttpMetric.MAX_CONCURRENCY, 50);
    http.reportMetric(HttpMetric.LEASED_CONCURRENCY, leased);
    http.reportMetric(HttpMetric.AVAILABLE_CONCURRENCY, 50 - leased);
    http.reportMetric(HttpMetric.PENDING_CONCURRENCY_ACQUIRES, pending);
    http.reportMetric(HttpMetric.CONCURRENCY_ACQUIRE_DURATION, wait);
    metrics.publish(call.collect());
  }

  @Test
  void stats_beforeAnyRequest_saySo() {
    PoolStats stats = new PoolMetrics().stats();
    assertEquals(new PoolStats("s3", 0, 0, 0, 0, 0, -1, -1, 0, "AWS SDK metrics: no request yet"), stats);
  }

  @Test
  void stats_afterRequests_latestFiguresAndWaitPercentiles() {
    PoolMetrics metrics = new PoolMetrics();
    for (int i = 1; i <= 100; i++) publish(metrics, i % 7, i == 100 ? 3 : 0, Duration.ofMillis(i));
    PoolStats stats = metrics.stats();
    assertEquals(new PoolStats("s3", 50, 2, 48, 3, 100, 50.0, 99.0, 0, "AWS SDK metrics, as of the latest request"),
        stats);
  }
}
