package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.wal.OperationJson;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

class WalReportPageTest {
  static final Instant NOW = Instant.parse("2026-11-22T18:00:00Z");

  /** A day of synthetic history: mostly fast adds on local, an s3 backend that failed a while. */
  static WalReportPage.Data sampleData(int count) {
    Random rnd = new Random(42);
    List<WalReportPage.Op> ops = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      Instant created = NOW.minusSeconds((long) (rnd.nextDouble() * 86_400));
      boolean s3 = i % 5 == 0;
      String status = s3 && created.isBefore(NOW.minusSeconds(6 * 3600)) && created.isAfter(NOW.minusSeconds(10 * 3600))
          ? "failed" : i % 97 == 0 ? "pending" : "completed";
      Instant completed = status.equals("pending") ? null : created.plusMillis((long) Math.exp(rnd.nextGaussian() * 1.5 + 3));
      ops.add(new WalReportPage.Op("op-" + i, i % 3 == 0 ? "pin" : "add", s3 ? "s3" : "local", status, created, completed,
          status.equals("failed") ? "s3 <bucket> unreachable: connection refused" : null));
    }
    ops.sort((a, b) -> b.created().compareTo(a.created()));
    ObjectNode status = OperationJson.MAPPER.createObjectNode().put("total", count + 500).put("completed", count + 450)
        .put("failed", 40).put("pending", 10).put("processing", 0).put("retrying", 0).put("cancelled", 0);
    ObjectNode health = OperationJson.MAPPER.createObjectNode().put("healthy", true).put("failed_closed", false);
    health.putArray("backends").addObject().put("backend", "local").put("health", "online").put("completed", 900).put("failed", 0).put("retries", 0);
    ((tools.jackson.databind.node.ArrayNode) health.get("backends")).addObject().put("backend", "s3").put("health", "degraded")
        .put("completed", 100).put("failed", 40).put("retries", 120);
    return new WalReportPage.Data(NOW, NOW.minus(Duration.ofHours(24)), Duration.ofHours(24), "/home/u/.ipfs_kit/wal",
        status, health, OperationJson.MAPPER.createObjectNode(), ops, false);
  }

  @Test
  void render_dayOfHistory_selfContainedPageWithCharts() {
    String html = WalReportPage.render(sampleData(1000));
    assertTrue(html.startsWith("<!DOCTYPE html>"));
    assertFalse(html.contains("<script"), "no scripts needed");
    Matcher urls = Pattern.compile("(?:src|href)=\"").matcher(html);
    assertFalse(urls.find(), "no external resources");
    assertEquals(html.replace("http://www.w3.org/2000/svg", "").indexOf("http"), -1, "nothing fetched from the network");
    assertTrue(count(html, "<svg") >= 5, "status, timeline, latency, histogram and backend charts");
    assertTrue(html.contains("Recent failures"));
  }

  @Test
  void render_errorWithMarkup_escaped() {
    String html = WalReportPage.render(sampleData(200));
    assertTrue(html.contains("s3 &lt;bucket&gt; unreachable"));
    assertFalse(html.contains("s3 <bucket>"));
  }

  @Test
  void render_noOperations_saysSoInsteadOfEmptyAxes() {
    WalReportPage.Data d = sampleData(0);
    String html = WalReportPage.render(d);
    assertTrue(html.contains("no completed operations in the window"));
    assertTrue(html.contains("No failed operations in the window."));
  }

  @Test
  void percentile_nearestRank() {
    double[] v = {1, 2, 3, 4, 5, 6, 7, 8, 9, 10};
    assertEquals(5, WalReportPage.percentile(v, 0.5));
    assertEquals(10, WalReportPage.percentile(v, 0.99));
    assertEquals(1, WalReportPage.percentile(v, 0.0));
  }

  @Test
  void niceCeil_axisMaximumDivisibleIntoFourTicks() {
    for (long v : new long[] {1, 3, 7, 13, 150, 999, 12345}) {
      long c = WalReportPage.niceCeil(v);
      assertTrue(c >= v && c % 4 == 0, v + " -> " + c);
    }
  }

  private static int count(String s, String needle) {
    int n = 0;
    for (int i = s.indexOf(needle); i >= 0; i = s.indexOf(needle, i + 1)) n++;
    return n;
  }
}
