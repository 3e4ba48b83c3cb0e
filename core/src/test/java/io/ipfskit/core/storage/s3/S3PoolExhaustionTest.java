package io.ipfskit.core.storage.s3;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.storage.HeldAnswerServer;
import io.ipfskit.core.storage.PoolConfig;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The S3 client's pool (the SDK's apache5 client) sized by {@code IPFS_KIT_POOL_*}, against a real
 * local HTTP server (the JDK's) that holds its first answer: a second call finds the one connection
 * taken and fails naming the pool's figures.
 */
@Timeout(60)
class S3PoolExhaustionTest {
  private static final String CID_A = "bafkreidon73zkcrwdb5iafqtijxildoonbwnpv7dyd6ef3qdgads2jc4su";
  private static final String CID_B = "bafkreifzjut3te2nhyekklss27nh3k72ysco7y32koao5eei66wof36n5e";
  @TempDir Path home;
  private HeldAnswerServer server;

  @BeforeEach
  void start() throws Exception {
    server = HeldAnswerServer.start(1, "/", "hello".getBytes(UTF_8));
  }

  @AfterEach
  void stop() {
    server.close();
  }

  @Test
  void get_poolOfOneTaken_failsNamingTotalActiveIdleWaiting() throws Exception {
    S3Config config = S3Config.from(home, Settings.of(Map.of("IPFS_KIT_S3_BUCKET", "kit-bucket",
        "IPFS_KIT_S3_ENDPOINT", "http://127.0.0.1:" + server.port(),
        "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "IPFS_KIT_S3_SECRET_KEY_REF", "00112233AABBCCDD"),
        SettingSource.environment())).orElseThrow();
    PoolConfig pool = new PoolConfig(1, 1, Duration.ofMillis(300), Duration.ofMinutes(5), Duration.ofSeconds(60));
    try (S3Backend s3 = S3Backend.open(config, id -> SecretValue.of("secret-key-for-tests"), pool)) {
      CompletableFuture<String> first = CompletableFuture.supplyAsync(() -> {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
          s3.get(CID_A, out);
        } catch (StorageException e) {
          throw new RuntimeException(e);
        }
        return out.toString(UTF_8);
      });
      assertTrue(server.arrived.await(30, TimeUnit.SECONDS), "the first get reached the server");

      StorageException e = assertThrows(StorageException.class, () -> s3.get(CID_B, new ByteArrayOutputStream()));
      assertEquals(StorageErrorClass.TRANSIENT, e.errorClass());
      assertEquals("s3 bucket 'kit-bucket' at http://127.0.0.1:" + server.port()
          + ": get object " + CID_B + " got no pooled connection within 0.3 s (total 1, active 1, idle 0,"
          + " waiting 0); raise IPFS_KIT_POOL_MAX_CONNECTIONS or lower concurrent calls", e.getMessage());
      assertEquals(1, s3.poolStats().orElseThrow().exhaustions());

      server.release();
      assertEquals("hello", first.get(30, TimeUnit.SECONDS));
    }
  }
}
