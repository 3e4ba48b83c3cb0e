package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * One thing {@link WriteAheadLog#repair} did to one file, or the one reason it did nothing.
 *
 * @param file the file acted on (for {@link Action#REFUSED}: the file where the damage is)
 * @param offset where the first bad record (or the missing range) starts; a truncated file now ends here
 * @param bytesCut how many bytes left the log (the whole file for a file moved aside; 0 when refused)
 * @param reason why the record at {@code offset} was rejected
 * @param action what was done
 * @param droppedRecords acknowledged records (whole frames with a valid CRC, beyond what the
 *     checkpoint holds) that left the log; for {@link Action#REFUSED}: how many
 *     {@code repair(dir, true)} would drop, in total
 * @param brokenCopy where the original bytes are kept ({@code <file>.broken}, or {@code .broken.N}
 *     if that exists); null when refused
 */
public record RepairReport(Path file, long offset, long bytesCut, String reason, Action action, long droppedRecords,
    Path brokenCopy) {

  /** What repair did with {@link #file()}. */
  public enum Action {
    /** The last segment ended in a torn write (never acknowledged): copied to .broken, truncated. */
    TRUNCATED_TORN_TAIL,
    /** Damage in the middle (only with dropAfterDamage): copied to .broken, truncated at the damage. */
    TRUNCATED_AT_DAMAGE,
    /** A segment after the damage (or one holding only records the checkpoint covers) renamed to .broken. */
    MOVED_ASIDE,
    /** An unreadable checkpoint renamed to .broken. */
    CHECKPOINT_MOVED_ASIDE,
    /** Damage in the middle without dropAfterDamage: nothing on disk was changed. */
    REFUSED
  }

  public RepairReport {
    requireNonNull(file, "file");
    requireNonNull(reason, "reason");
    requireNonNull(action, "action");
    if (offset < 0) throw new IllegalArgumentException("offset must be >= 0, but was " + offset);
    if (bytesCut < 0) throw new IllegalArgumentException("bytesCut must be >= 0, but was " + bytesCut);
    if (droppedRecords < 0) throw new IllegalArgumentException("droppedRecords must be >= 0, but was " + droppedRecords);
    if ((brokenCopy == null) != (action == Action.REFUSED))
      throw new IllegalArgumentException("brokenCopy must be null exactly when the action is REFUSED, but action was "
          + action + " and brokenCopy " + (brokenCopy == null ? "null" : "set"));
  }

  /** True if the repair was refused: damage in the middle needs dropAfterDamage. */
  public boolean refused() {
    return action == Action.REFUSED;
  }
}
