package io.ipfskit.core.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/** Real child JVMs writing one store: killed mid-stream, and eight at once. */
class VaultProcessTest {
  @TempDir Path tmp;

  private Process child(Path dir, String tag, int count, boolean rotate) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    ProcessBuilder pb = new ProcessBuilder(java, "-Xmx64m", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC",
        "-cp", System.getProperty("java.class.path"), VaultChildMain.class.getName(), dir.toString(), tag,
        Integer.toString(count), Boolean.toString(rotate));
    pb.redirectError(ProcessBuilder.Redirect.DISCARD);
    return pb.start();
  }

  private Vault open(Path dir) {
    return Vault.open(new VaultConfig(dir, new KeySource.KeyFile(dir.resolve("master.key")), Kdf.PBKDF2_SHA256, 5, null,
        Clock.systemUTC()));
  }

  @Test
  @Timeout(value = 120, unit = TimeUnit.SECONDS)
  void store_childKilledMidStream_everyAcknowledgedSecretSurvives() throws Exception {
    Path dir = tmp.resolve("secrets");
    Map<String, String> acked = new LinkedHashMap<>();
    for (int round = 0; round < 2; round++) {
      Process p = child(dir, "crash" + round, -1, round == 1);
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        int seen = 0;
        String line;
        // kill after a number of acks that differs per round, while the child is in the middle of the next write
        int killAfter = 25 + round * 7;
        while ((line = r.readLine()) != null) {
          String[] f = line.split(" ");
          if (f[0].equals("ACK") || f[0].equals("ROT")) {
            acked.put(f[1], f[2]);
            if (++seen == killAfter) {
              p.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroyForcibly it keeps stdout readable
            }
          }
        }
      }
      p.waitFor();
      assertTrue(acked.size() >= 25, "the child acknowledged too little: " + acked.size());
    }
    try (Vault v = open(dir)) {
      for (Map.Entry<String, String> e : acked.entrySet()) {
        assertEquals(e.getValue(), v.retrieve(SecretId.parse("secret_id", e.getKey())).reveal(), e.getKey());
      }
      AuditVerification audit = v.verifyAudit();
      assertTrue(audit.valid(), audit.problemOrNull());
    }
  }

  @Test
  @Timeout(value = 180, unit = TimeUnit.SECONDS)
  void storeAndRotate_eightProcessesAtOnce_loseNothing() throws Exception {
    Path dir = tmp.resolve("secrets");
    int processes = 8;
    int perProcess = 8;
    List<Process> children = new ArrayList<>();
    for (int i = 0; i < processes; i++) {
      children.add(child(dir, "p" + i, perProcess, true));
    }
    Map<String, String> finalValues = new HashMap<>();
    for (Process p : children) {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
        String line;
        String last = null;
        while ((line = r.readLine()) != null) {
          String[] f = line.split(" ");
          if (f[0].equals("ACK") || f[0].equals("ROT")) {
            finalValues.put(f[1], f[2]);
          }
          last = line;
        }
        assertEquals("DONE", last);
      }
      assertEquals(0, p.waitFor());
    }
    assertEquals(processes * perProcess, finalValues.size());
    try (Vault v = open(dir)) {
      assertEquals(processes * perProcess, v.list().size());
      for (Map.Entry<String, String> e : finalValues.entrySet()) {
        SecretId id = SecretId.parse("secret_id", e.getKey());
        assertEquals(e.getValue(), v.retrieve(id).reveal());
        assertEquals(2, v.versions(id).size());
      }
      AuditVerification audit = v.verifyAudit();
      assertTrue(audit.valid(), audit.problemOrNull());
      List<AuditEntry> entries = v.audit(null, 100_000);
      assertEquals(processes * perProcess, entries.stream().filter(a -> a.action().equals("store")).count());
      assertEquals(processes * perProcess, entries.stream().filter(a -> a.action().equals("rotate")).count());
    }
  }
}
