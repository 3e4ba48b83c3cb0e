package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.sun.net.httpserver.HttpServer;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.resilience.CacheStats;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.PoolConfig;
import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link S3Backend} with its head answer cache ({@code IPFS_KIT_CACHE_S3_HEAD_*}) against a real local
 * HTTP server (the JDK's) that answers HEAD and DELETE for a set of objects and records every request:
 * a repeated existence check costs one request, a delete makes the next check ask again, "no such
 * object" is asked every time. (The whole S3 protocol against S3Proxy: {@code S3BackendIT}.)
 */
@Timeout(60)
class S3HeadCacheTest {
  private static final String CID = "bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su";
  private static final String ABSENT = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
  @TempDir Path home;
  private HttpServer server;
  private final List<String> requests = new CopyOnWriteArrayList<>();
  private final Set<String> objects = ConcurrentHashMap.newKeySet();

  @BeforeEach
  void start() throws Exception {
    server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
    server.createContext("/", x -> {
      String key = x.getRequestURI().getPath().substring("/kit-bucket/".length());
      requests.add(x.getRequestMethod() + " " + key);
      if (x.getRequestMethod().equals("DELETE")) {
        objects.remove(key);
        x.sendResponseHeaders(204, -1);
      } else if (objects.contains(key)) {
        x.getResponseHeaders().set("Content-Length", "5");
        x.sendResponseHeaders(200, -1);
      } else {
        x.sendResponseHeaders(404, -1);
      }
      x.close();
    });
    server.start();
    objects.add(CID);
  }

  @AfterEach
  void stop() {
    server.stop(0);
  }

  private S3Backend open(HeadCacheConfig headCache) throws Exception {
    S3Config config = S3Config.from(home, Settings.of(Map.of("IPFS_KIT_S3_BUCKET", "kit-bucket",
        "IPFS_KIT_S3_ENDPOINT", "http://127.0.0.1:" + server.getAddress().getPort(),
        "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "IPFS_KIT_S3_SECRET_KEY_REF", "00112233AABBCCDD"),
        SettingSource.environment())).orElseThrow();
    PoolConfig pool = new PoolConfig(4, 4, Duration.ofSeconds(5), Duration.ofMinutes(5), Duration.ofSeconds(60));
    return S3Backend.open(config, id -> SecretValue.of("secret-key-for-tests"), pool, headCache);
  }

  @Test
  void pin_repeated_oneHeadRequestAndHitsListed() throws Exception {
    try (S3Backend s3 = open(HeadCacheConfig.DEFAULTS)) {
      for (int i = 0; i < 3; i++) s3.pin(CID);
      assertEquals(5L, s3.head(CID).orElseThrow());
      assertEquals(List.of("HEAD " + CID), requests);
      CacheStats stats = s3.cacheStats().get(0);
      assertEquals("s3_head", stats.cache());
      assertEquals(3, stats.hits());
      assertEquals(1, stats.misses());
    }
  }

  @Test
  void remove_thenPin_asksAgainAndFindsItGone() throws Exception {
    try (S3Backend s3 = open(HeadCacheConfig.DEFAULTS)) {
      s3.pin(CID);
      s3.remove(CID);
      assertThrows(ContentNotFoundException.class, () -> s3.pin(CID));
      assertEquals(List.of("HEAD " + CID, "DELETE " + CID, "HEAD " + CID), requests);
    }
  }

  @Test
  void head_noSuchObject_askedEveryTime() throws Exception {
    try (S3Backend s3 = open(HeadCacheConfig.DEFAULTS)) {
      assertTrue(s3.head(ABSENT).isEmpty());
      objects.add(ABSENT); // another writer uploads it
      assertEquals(5L, s3.head(ABSENT).orElseThrow());
      assertEquals(2, requests.size());
    }
  }

  @Test
  void pin_headCacheOff_everyCheckAsksAndNoCacheListed() throws Exception {
    try (S3Backend s3 = open(new HeadCacheConfig(0, Duration.ofSeconds(60)))) {
      s3.pin(CID);
      s3.pin(CID);
      assertEquals(2, requests.size());
      assertEquals(List.of(), s3.cacheStats());
    }
  }
}
