package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Kills a real child JVM (SIGKILL via destroyForcibly) while it appends in {@code always} mode,
 * then reopens the log and checks that every id the child acknowledged is there. Cycles:
 * {@code -Dwal.crash.cycles} (default 50).
 */
class WalCrashTest {
  static final Pattern ID = Pattern.compile("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}");
  @TempDir Path tmp;

  @Test
  @Timeout(300)
  void reopen_afterSigkillMidAppend_everyAcknowledgedOperationIsPresent() throws Exception {
    int cycles = Integer.getInteger("wal.crash.cycles", 50);
    long seed = Long.getLong("wal.crash.seed", System.nanoTime());
    Random random = new Random(seed);
    Path dir = tmp.resolve("wal");
    Set<String> acknowledged = new HashSet<>();
    long lastSeq = 0;
    for (int cycle = 0; cycle < cycles; cycle++) {
      String where = "cycle " + cycle + " (seed " + seed + ")";
      int killAfter = 1 + random.nextInt(40);
      Process child = startChild(dir, 1 + random.nextInt(4));
      List<String> acked = new ArrayList<>();
      try (BufferedReader in = new BufferedReader(new InputStreamReader(child.getInputStream(), StandardCharsets.US_ASCII))) {
        String line = in.readLine();
        assertEquals("READY", line, where + ": child did not start");
        while (acked.size() < killAfter && (line = in.readLine()) != null) acked.add(line);
        child.toHandle().destroyForcibly(); // SIGKILL; unlike Process.destroyForcibly it leaves our pipe readable
        assertTrue(child.waitFor(30, TimeUnit.SECONDS), where + ": child did not die");
        while ((line = in.readLine()) != null) acked.add(line); // acknowledged before the kill, still in the pipe
      } finally {
        child.destroyForcibly();
      }
      for (String id : acked) if (ID.matcher(id).matches()) acknowledged.add(id);
      assertTrue(acked.size() >= killAfter, where + ": child died early, exit " + child.exitValue());

      WriteAheadLog wal = WriteAheadLog.open(CrashChild.config(dir), Map.of("local", new ScriptedBackend("local")),
          Clock.systemUTC(), new WriteAheadLog.Options(null, null, true));
      try {
        for (String id : acknowledged) assertTrue(wal.get(id).isPresent(), where + ": acknowledged " + id + " lost");
        long seq = wal.status().lastSequence();
        assertTrue(seq > lastSeq, where + ": sequence " + seq + " after " + lastSeq);
        lastSeq = seq;
      } finally {
        if (cycle % 2 == 0) wal.close(); // checkpoint + delete segments
        else wal.abandonForTest(); // leave everything to replay
      }
    }
    assertTrue(acknowledged.size() >= cycles);
  }

  private static Process startChild(Path dir, int threads) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    return new ProcessBuilder(java, "-Xshare:auto", "-XX:TieredStopAtLevel=1", "-XX:+UseSerialGC", "-Xmx128m",
        "-cp", System.getProperty("java.class.path"), CrashChild.class.getName(), dir.toString(),
        Integer.toString(threads))
        .redirectError(ProcessBuilder.Redirect.DISCARD)
        .start();
  }
}
