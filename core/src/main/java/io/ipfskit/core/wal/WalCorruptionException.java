package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A record in the middle of the log (not a torn tail) failed its check, or sequence numbers do not
 * follow each other (a gap: records are missing). The log refuses to open rather than silently
 * dropping acknowledged operations. {@code ipfs-kit wal repair} reports how many acknowledged records
 * cutting there would drop and changes nothing; {@code ipfs-kit wal repair --drop-after-damage} keeps
 * {@code .broken} copies, cuts at the damage and moves every later segment aside.
 */
public class WalCorruptionException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final long offset;
  private final long storedCrc;
  private final long computedCrc;
  private final long expectedSeq;
  private final long foundSeq;

  /** @param storedCrc or -1 when the frame header itself is unreadable; same for computedCrc */
  public WalCorruptionException(Path file, long offset, long storedCrc, long computedCrc, String reason) {
    this(file, offset, storedCrc, computedCrc, reason, -1, -1);
  }

  /**
   * @param expectedSeq the sequence that should have come next at {@code offset}, -1 if not known
   * @param foundSeq the sequence found there instead, -1 if no frame could be read
   */
  public WalCorruptionException(Path file, long offset, long storedCrc, long computedCrc, String reason,
      long expectedSeq, long foundSeq) {
    super("corrupt write-ahead log record in " + file + " at offset " + offset + ": " + reason
        + (storedCrc < 0 && computedCrc < 0 ? "" : " (stored CRC32C " + hex(storedCrc) + ", computed " + hex(computedCrc) + ")")
        + "; run `ipfs-kit wal repair` to see what repairing would drop (damage in the middle of the log needs"
        + " `--drop-after-damage`, which keeps .broken copies)");
    this.file = file;
    this.offset = offset;
    this.storedCrc = storedCrc;
    this.computedCrc = computedCrc;
    this.expectedSeq = expectedSeq;
    this.foundSeq = foundSeq;
  }

  private static String hex(long crc) {
    return crc < 0 ? "n/a" : String.format("0x%08x", crc);
  }

  public Path file() {
    return file;
  }

  public long offset() {
    return offset;
  }

  public long storedCrc() {
    return storedCrc;
  }

  public long computedCrc() {
    return computedCrc;
  }

  /** The sequence that should have come next, or -1 when the damage is not a sequence gap. */
  public long expectedSeq() {
    return expectedSeq;
  }

  /** The sequence found instead of {@link #expectedSeq()}, or -1 when no frame could be read there. */
  public long foundSeq() {
    return foundSeq;
  }
}
