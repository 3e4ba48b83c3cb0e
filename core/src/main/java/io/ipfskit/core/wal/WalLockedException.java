package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.file.Path;

/** Another process (or another open log in this process) owns the WAL directory. */
public class WalLockedException extends IOException {
  private static final long serialVersionUID = 1L;
  private final transient Path directory;

  public WalLockedException(Path directory) {
    super("write-ahead log directory " + directory + " is locked: another ipfs-kit process owns it"
        + " (lock file " + directory.resolve("LOCK") + "); talk to that process or stop it first");
    this.directory = directory;
  }

  public Path directory() {
    return directory;
  }
}
