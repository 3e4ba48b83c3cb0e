package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code ipfs-kit wal repair}: makes a log that {@link Recovery} refuses openable, dropping no
 * acknowledged record unless told to.
 *
 * <p>Each round first <em>plans</em> from the files alone (nothing written), then carries the plan
 * out under the {@link DirectoryLock}:
 * <ul>
 *   <li><b>Torn tail</b> of the last segment (a write cut short by a crash; never acknowledged):
 *       copied to {@code .broken} and truncated. Always done.
 *   <li><b>Unreadable newest checkpoint</b>: renamed to {@code .broken}; the next older readable one
 *       (or none) becomes the base. Done by default only when the segments still hold every record
 *       after that base (nothing is lost); otherwise it is part of the middle damage below.
 *   <li><b>Damage in the middle</b> ({@link SegmentChain}: a bad record with valid records after it
 *       or in a segment that is not the last, or a gap in the sequence numbers): without
 *       {@code dropAfterDamage} nothing on disk changes and one {@link RepairReport.Action#REFUSED}
 *       report names the file, the offset and how many acknowledged records dropping would lose.
 *       With it: every later segment is renamed to {@code .broken} (newest first), then the damaged
 *       segment is copied to {@code .broken} and truncated at the damage (renamed whole if the damage
 *       is at offset 0, so no empty segment is left with a name its records would not match). Rounds
 *       repeat until the log is whole.
 * </ul>
 *
 * <p><b>A checkpoint that covers records beyond the cut</b> (the last good sequence before the
 * damage, {@code L}, is below the checkpoint's {@code C}): the checkpoint was read completely and
 * every frame's CRC checked, so it is kept: it already holds the effect of records {@code L+1..C}.
 * Cutting the segments at {@code L} and keeping it would break sequence continuity (the next record,
 * {@code C+1}, would follow {@code L}); dropping it would lose every record older than the first
 * segment (checkpoints delete the segments they cover). So the segments are made to join the
 * checkpoint instead: every segment whose records the checkpoint covers (first sequence of the next
 * segment {@code <= C+1}) is renamed to {@code .broken}, dropping nothing; if the damaged segment
 * itself holds records after {@code C}, it and every later segment are renamed as well (those records
 * are counted as dropped) and the log restarts at {@code C+1} from the checkpoint alone.
 *
 * <p>Crash safety: each step is a copy + fsync, truncate + fsync, or atomic rename, followed by a
 * directory fsync; suffix segments are moved newest first and covered ones oldest first, so a crash
 * part-way leaves a log that {@link Recovery} still refuses and a second repair completes.
 */
final class Repair {
  private static final Logger LOG = LoggerFactory.getLogger(Repair.class);
  private static final byte[] OPERATION_RECORDS = {RecordCodec.CREATED};

  /** One planned change to one file. */
  record Step(RepairReport.Action action, Path file, long offset, long bytesCut, long droppedRecords, String reason) {}

  /**
   * What repairing would do.
   *
   * @param damage the middle damage found, or null if only torn-tail / checkpoint steps are needed
   */
  record Plan(List<Step> steps, SegmentChain.Damage damage) {
    boolean needsDropAfterDamage() {
      return damage != null;
    }

    long droppedRecords() {
      long n = 0;
      for (Step s : steps) n += s.droppedRecords();
      return n;
    }
  }

  private Repair() {}

  static List<RepairReport> run(Path dir, boolean dropAfterDamage) throws IOException {
    requireNonNull(dir, "walDirectory");
    if (!Files.isDirectory(dir))
      throw new IllegalArgumentException("wal directory must exist, but " + dir + " does not");
    List<RepairReport> done = new ArrayList<>();
    try (DirectoryLock lock = DirectoryLock.acquire(dir)) {
      // each round removes or shortens at least one file, so this bound is never reached
      int maxRounds = 2 + Checkpoints.list(dir).size() + SegmentChain.segments(dir).size();
      for (int round = 0; ; round++) {
        Plan plan = plan(dir);
        if (plan.steps().isEmpty()) return done;
        if (plan.needsDropAfterDamage() && !dropAfterDamage) {
          if (round > 0) throw new IllegalStateException("repair round " + round + " needs dropAfterDamage");
          SegmentChain.Damage d = plan.damage();
          String reason = d.reason();
          for (Step s : plan.steps())
            if (s.action() == RepairReport.Action.CHECKPOINT_MOVED_ASIDE)
              reason = s.file().getFileName() + " is unreadable and would be moved aside, and without it " + reason;
          LOG.warn("not repairing {}: damage at offset {} ({}) is in the middle of the log; dropping after it would"
              + " lose {} acknowledged record(s)", d.file(), d.offset(), reason, plan.droppedRecords());
          return List.of(new RepairReport(d.file(), d.offset(), 0, reason, RepairReport.Action.REFUSED,
              plan.droppedRecords(), null));
        }
        for (Step s : plan.steps()) done.add(execute(dir, s));
        if (!plan.needsDropAfterDamage()) return done;
        if (round >= maxRounds) throw new IllegalStateException("repair did not converge after " + round + " rounds");
      }
    }
  }

  /** Decides what to change; reads only. */
  static Plan plan(Path dir) throws IOException {
    List<Step> steps = new ArrayList<>();
    List<Path> cps = Checkpoints.list(dir);
    long base = 0;
    List<Step> checkpointSteps = new ArrayList<>();
    for (int i = cps.size() - 1; i >= 0; i--) {
      Path cp = cps.get(i);
      try {
        base = Checkpoints.read(cp).coveredSeq();
        break;
      } catch (WalCorruptionException e) {
        checkpointSteps.add(new Step(RepairReport.Action.CHECKPOINT_MOVED_ASIDE, cp, e.offset(), Files.size(cp), 0,
            "checkpoint " + e.getMessage()));
      }
    }
    TreeMap<Long, Path> segs = SegmentChain.segments(dir);
    SegmentChain.Walk walk = SegmentChain.walk(segs, base, (seq, kind, p) -> {});
    SegmentChain.Damage d = walk.damage();
    if (d != null && d.middle() && !checkpointSteps.isEmpty() && d.lastGoodSeq() <= base && d.offset() == 0
        && d.file().equals(segs.firstEntry().getValue())) {
      // the segments do not reach back to the older base: the moved checkpoint's operations are lost too
      for (int i = 0; i < checkpointSteps.size(); i++) {
        Step s = checkpointSteps.get(i);
        long ops = SegmentScanner.countValidFrames(SegmentScanner.map(s.file()), 0, 0, OPERATION_RECORDS);
        checkpointSteps.set(i, new Step(s.action(), s.file(), s.offset(), s.bytesCut(), ops, s.reason()));
      }
    }
    steps.addAll(checkpointSteps);
    if (d == null) return new Plan(steps, null);
    if (!d.middle()) {
      steps.add(new Step(RepairReport.Action.TRUNCATED_TORN_TAIL, d.file(), d.offset(), d.fileSize() - d.offset(), 0,
          d.reason()));
      return new Plan(steps, null);
    }
    List<Map.Entry<Long, Path>> chain = new ArrayList<>(segs.entrySet());
    int at = 0;
    while (!chain.get(at).getValue().equals(d.file())) at++;
    if (d.lastGoodSeq() >= base) {
      // cut at the damage: later segments go first (newest first), then the damaged one
      for (int i = chain.size() - 1; i > at; i--) steps.add(moveAside(chain.get(i).getValue(), base,
          "after the damage in " + d.file().getFileName() + " at offset " + d.offset()));
      if (d.offset() > 0) {
        long dropped = SegmentScanner.countValidFrames(SegmentScanner.map(d.file()), (int) d.offset(), base, null);
        steps.add(new Step(RepairReport.Action.TRUNCATED_AT_DAMAGE, d.file(), d.offset(), d.fileSize() - d.offset(),
            dropped, d.reason()));
      } else {
        steps.add(moveAside(d.file(), base, d.reason()));
      }
      return new Plan(steps, d);
    }
    // The checkpoint covers records beyond the cut (see the class comment): keep it, and make the
    // segments join it. joinAt: the last segment after the damaged one that starts at or before base + 1.
    int joinAt = -1;
    for (int i = at + 1; i < chain.size(); i++) if (chain.get(i).getKey() <= base + 1) joinAt = i;
    String covered = "holds only records the checkpoint at sequence " + base + " covers";
    if (joinAt >= 0) {
      for (int i = 0; i < joinAt; i++) steps.add(moveAside(chain.get(i).getValue(), base,
          i == at ? d.reason() + "; the segment " + covered : "the segment " + covered));
    } else {
      for (int i = chain.size() - 1; i > at; i--) steps.add(moveAside(chain.get(i).getValue(), base,
          "after the damage in " + d.file().getFileName() + " at offset " + d.offset()));
      steps.add(moveAside(d.file(), base, d.reason() + "; records " + (d.lastGoodSeq() + 1) + ".." + base
          + " are kept in the checkpoint"));
      for (int i = at - 1; i >= 0; i--) steps.add(moveAside(chain.get(i).getValue(), base, "the segment " + covered));
    }
    return new Plan(steps, d);
  }

  private static Step moveAside(Path seg, long base, String reason) throws IOException {
    long dropped = SegmentScanner.countValidFrames(SegmentScanner.map(seg), 0, base, null);
    return new Step(RepairReport.Action.MOVED_ASIDE, seg, 0, Files.size(seg), dropped, reason);
  }

  private static RepairReport execute(Path dir, Step s) throws IOException {
    Path broken = brokenName(s.file());
    switch (s.action()) {
      case TRUNCATED_TORN_TAIL, TRUNCATED_AT_DAMAGE -> {
        Files.copy(s.file(), broken, StandardCopyOption.COPY_ATTRIBUTES);
        try (FileChannel f = FileChannel.open(broken, StandardOpenOption.WRITE)) {
          f.force(true);
        }
        try (FileChannel f = FileChannel.open(s.file(), StandardOpenOption.WRITE)) {
          f.truncate(s.offset());
          f.force(true);
        }
      }
      case MOVED_ASIDE, CHECKPOINT_MOVED_ASIDE -> Files.move(s.file(), broken, StandardCopyOption.ATOMIC_MOVE);
      default -> throw new IllegalStateException("not an action repair carries out: " + s.action());
    }
    WalFiles.fsyncDirectory(dir);
    LOG.warn("repaired {}: {} ({} bytes at offset {}, {} acknowledged record(s) dropped: {}); original kept as {}",
        s.file(), s.action(), s.bytesCut(), s.offset(), s.droppedRecords(), s.reason(), broken);
    return new RepairReport(s.file(), s.offset(), s.bytesCut(), s.reason(), s.action(), s.droppedRecords(), broken);
  }

  static Path brokenName(Path p) {
    Path b = p.resolveSibling(p.getFileName() + ".broken");
    for (int i = 1; Files.exists(b); i++) b = p.resolveSibling(p.getFileName() + ".broken." + i);
    return b;
  }
}
