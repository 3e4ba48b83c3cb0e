package io.ipfskit.server.wal;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import java.nio.file.Path;

/** The owner's re-check policy for tests that start an owner socket by hand. */
final class OwnerPolicies {
  private OwnerPolicies() {}

  /** A policy whose home is the WAL directory's parent, as in {@code <home>/wal}. */
  static FileAccessPolicy forWalDir(Path walDir) {
    Path abs = walDir.toAbsolutePath();
    return new FileAccessPolicy(AllowedRoots.none(), abs.getParent(), abs);
  }
}
