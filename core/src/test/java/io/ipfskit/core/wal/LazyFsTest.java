package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.Arrays;
import java.util.HashMap;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The power-loss model itself: what survives is exactly what was forced, plus pending bytes per fate. */
class LazyFsTest {
  @TempDir Path root;
  final AtomicLong ticks = new AtomicLong();

  private static void write(FileChannel ch, String s) throws IOException {
    ByteBuffer b = ByteBuffer.wrap(s.getBytes(StandardCharsets.US_ASCII));
    while (b.hasRemaining()) ch.write(b);
  }

  @Test
  void powerLoss_forcedBytesAndSyncedEntries_survive() throws Exception {
    LazyFs fs = new LazyFs(root, ticks::incrementAndGet);
    Path f = root.resolve("a");
    try (FileChannel ch = fs.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(ch, "forced");
      ch.force(false);
      fs.fsyncDirectory(root);
    }
    fs.powerOff();
    assertTrue(fs.powerLoss(new Random(1)).isEmpty());
    assertEquals("forced", Files.readString(f));
  }

  @Test
  void powerLoss_fileWhoseEntryWasNeverSynced_disappears() throws Exception {
    LazyFs fs = new LazyFs(root, ticks::incrementAndGet);
    Path f = root.resolve("a");
    try (FileChannel ch = fs.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(ch, "forced but not linked");
      ch.force(false);
    }
    fs.powerOff();
    fs.powerLoss(new Random(1));
    assertFalse(Files.exists(f));
  }

  @Test
  void powerLoss_renameAndDeleteNotSynced_areUndone() throws Exception {
    Files.writeString(root.resolve("old"), "old content");
    Files.writeString(root.resolve("gone"), "still here");
    LazyFs fs = new LazyFs(root, ticks::incrementAndGet); // both files on disk
    fs.atomicMove(root.resolve("old"), root.resolve("new"), false);
    fs.deleteIfExists(root.resolve("gone"));
    fs.powerOff();
    fs.powerLoss(new Random(1));
    assertEquals("old content", Files.readString(root.resolve("old")));
    assertFalse(Files.exists(root.resolve("new")));
    assertEquals("still here", Files.readString(root.resolve("gone")));
  }

  @Test
  void powerLoss_bytesAfterTheLastForce_areCutZeroedOrJunkButNeverTouchForcedOnes() throws Exception {
    Map<LazyFs.Fate, Integer> seen = new HashMap<>();
    for (int seed = 0; seed < 60; seed++) {
      Path dir = Files.createDirectories(root.resolve("r" + seed));
      LazyFs fs = new LazyFs(dir, ticks::incrementAndGet);
      Path f = dir.resolve("seg");
      try (FileChannel ch = fs.open(f, StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
        write(ch, "durable|");
        ch.force(false);
        fs.fsyncDirectory(dir);
        write(ch, "pending-pending");
      }
      fs.powerOff();
      Map<Path, LazyFs.Fate> fates = fs.powerLoss(new Random(seed));
      LazyFs.Fate fate = fates.get(f);
      seen.merge(fate, 1, Integer::sum);
      byte[] after = Files.readAllBytes(f);
      assertEquals("durable|", new String(after, 0, 8, StandardCharsets.US_ASCII), "seed " + seed + " " + fate);
      byte[] tail = Arrays.copyOfRange(after, 8, after.length);
      switch (fate) {
        case KEPT_PREFIX -> assertTrue("pending-pending".startsWith(new String(tail, StandardCharsets.US_ASCII)));
        case ZEROED -> assertArrayEquals(new byte[15], tail);
        case JUNK -> assertEquals(15, tail.length);
        default -> throw new AssertionError("unexpected fate " + fate);
      }
    }
    assertEquals(3, seen.size(), "every fate drawn over 60 seeds: " + seen);
  }

  @Test
  void cutAfterSteps_stepsAfterTheCut_fail() throws Exception {
    LazyFs fs = new LazyFs(root, ticks::incrementAndGet);
    fs.cutAfterSteps(2); // open, write: then the power goes
    try (FileChannel ch = fs.open(root.resolve("a"), StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE)) {
      write(ch, "x");
      assertTrue(fs.isOff());
      assertThrows(IOException.class, () -> ch.force(false));
    }
    assertThrows(IOException.class, () -> fs.fsyncDirectory(root));
  }
}
