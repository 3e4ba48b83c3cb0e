package io.ipfskit.core;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.secrets.Kdf;
import io.ipfskit.core.secrets.KeySource;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.Vault;
import io.ipfskit.core.secrets.VaultConfig;
import io.ipfskit.core.storage.LocalBlockStore;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WriteAheadLog;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Clock;
import java.util.HashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A home written by the jar of commit c4e6033 (the last release before the core was reshaped) opens
 * unchanged: the vault's keyring, envelope blobs and versions, the WAL's checkpoint, segments (left
 * by a SIGKILL, with a preallocated next segment) and Parquet partition, and the local block store.
 * The fixture and the script that made it are under {@code src/test/resources/fixtures}.
 */
class HomeFixtureCompatibilityTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  @TempDir Path tmp;

  @Test
  void openHomeFromC4e6033_everySecretOperationAndBlockReadsBack() throws Exception {
    Path home = copyFixture();
    JsonNode expected = expected();

    Path secretsDir = home.resolve("secrets");
    VaultConfig vc = new VaultConfig(secretsDir, new KeySource.KeyFile(secretsDir.resolve("master.key")),
        Kdf.PBKDF2_SHA256, VaultConfig.DEFAULT_MAX_VERSIONS, null, Clock.systemUTC());
    try (Vault vault = Vault.open(vc)) {
      assertEquals(2, vault.list().size());
      for (Iterator<Map.Entry<String, JsonNode>> it = expected.get("secrets").properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> s = it.next();
        SecretId id = SecretId.parse("secret_id", s.getKey());
        assertEquals(s.getValue().get("value").asString(), vault.retrieve(id).reveal(), s.getKey());
        assertEquals(s.getValue().get("service").asString(), vault.metadata(id).service());
        assertEquals(s.getValue().get("versions").asInt(), vault.versions(id).size());
      }
      assertTrue(vault.verifyAudit().valid(), "audit chain of the fixture verifies");
    }

    Map<String, Operation> found = new HashMap<>();
    try (LocalBlockStore blocks = LocalBlockStore.open(home.resolve("blocks"));
        WriteAheadLog wal = WriteAheadLog.openPaused(WalConfig.defaults(home), Map.of("local", blocks),
            Clock.systemUTC())) {
      for (Operation op : wal.list(new OperationQuery(null, null, 100, 0))) found.put(op.operationId(), op);
      JsonNode ops = expected.get("operations");
      assertEquals(ops.size(), found.size(), "every operation of the fixture, live and archived");
      for (Iterator<Map.Entry<String, JsonNode>> it = ops.properties().iterator(); it.hasNext(); ) {
        Map.Entry<String, JsonNode> e = it.next();
        Operation op = found.get(e.getKey());
        JsonNode want = e.getValue();
        assertEquals(want.get("type").asString(), op.operationType().wireName(), e.getKey());
        String status = want.get("status").asString();
        if (status.equals("processing")) {
          // interrupted by the SIGKILL: back to pending, or completed if its record made it out
          assertTrue(op.status() == OperationStatus.PENDING || op.status() == OperationStatus.COMPLETED,
              e.getKey() + " is " + op.status());
        } else {
          assertEquals(status, op.status().wireName(), e.getKey());
        }
        if (want.hasNonNull("content"))
          assertEquals(want.get("content").asString(), op.parameters().get("content").asString());
        if (want.hasNonNull("cid") && op.result() != null) {
          assertEquals(want.get("cid").asString(), op.result().cid());
          ByteArrayOutputStream out = new ByteArrayOutputStream();
          blocks.get(op.result().cid(), out);
          assertEquals(want.get("content").asString(), out.toString(StandardCharsets.UTF_8));
        }
      }
    }
  }

  private JsonNode expected() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("/fixtures/home-c4e6033.json")) {
      return JSON.readTree(in);
    }
  }

  /** Copies the fixture and gives it the modes the jar made (git keeps only the executable bit). */
  private Path copyFixture() throws IOException, URISyntaxException {
    Path src = Path.of(getClass().getResource("/fixtures/home-c4e6033").toURI());
    Path home = tmp.resolve("home");
    List<Path> all;
    try (Stream<Path> s = Files.walk(src)) {
      all = s.toList();
    }
    for (Path p : all) {
      Path to = home.resolve(src.relativize(p).toString());
      if (Files.isDirectory(p)) Files.createDirectories(to);
      else Files.copy(p, to);
    }
    for (Path p : all) {
      Path to = home.resolve(src.relativize(p).toString());
      Files.setPosixFilePermissions(to, PosixFilePermissions.fromString(Files.isDirectory(to) ? "rwx------" : "rw-------"));
    }
    return home;
  }
}
