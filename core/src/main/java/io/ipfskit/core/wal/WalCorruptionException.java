package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.Path;

/**
 * A record in the middle of the log (not a torn tail) failed its check. The log refuses to open
 * rather than silently dropping acknowledged operations; {@code ipfs-kit wal repair} keeps a
 * {@code .broken} copy of the segment and truncates it at the bad record.
 */
public class WalCorruptionException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path file;
  private final long offset;
  private final long storedCrc;
  private final long computedCrc;

  /** @param storedCrc or -1 when the frame header itself is unreadable; same for computedCrc */
  public WalCorruptionException(Path file, long offset, long storedCrc, long computedCrc, String reason) {
    super("corrupt write-ahead log record in " + file + " at offset " + offset + ": " + reason
        + " (stored CRC32C " + hex(storedCrc) + ", computed " + hex(computedCrc) + ")"
        + "; run `ipfs-kit wal repair` to keep a .broken copy and truncate at this record");
    this.file = file;
    this.offset = offset;
    this.storedCrc = storedCrc;
    this.computedCrc = computedCrc;
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
}
