package io.ipfskit.core.wal;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Files;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;

/**
 * The file-system steps that decide what survives a power loss: opening a file channel (whose
 * {@code write}/{@code force} calls then go straight to the channel), the atomic rename, the
 * directory fsync and the delete. The segment log, checkpoints and the Parquet archive take them
 * from here, so a test can substitute a layer that remembers what was forced and "loses power"
 * (see {@code LazyFs} in the tests).
 *
 * <p>{@link #REAL} is exactly the {@code java.nio} calls made before this seam existed. Only opening
 * passes through here: the channel returned is a plain {@link FileChannel}, so the append and force
 * path costs nothing extra. Reading (recovery maps segments) and creating directories do not pass
 * through here.
 */
interface WalIo {
  /** The real file system. */
  WalIo REAL = new WalIo() {};

  /** {@link FileChannel#open(Path, OpenOption...)}. */
  default FileChannel open(Path file, OpenOption... options) throws IOException {
    return FileChannel.open(file, options);
  }

  /** Renames {@code from} onto {@code to} atomically, replacing {@code to} if {@code replace}. */
  default void atomicMove(Path from, Path to, boolean replace) throws IOException {
    if (replace) Files.move(from, to, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    else Files.move(from, to, StandardCopyOption.ATOMIC_MOVE);
  }

  /** Makes the directory's entries (created, renamed, deleted files) durable. */
  default void fsyncDirectory(Path dir) throws IOException {
    try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
      ch.force(true);
    }
  }

  /** {@link Files#deleteIfExists}; durable only after {@link #fsyncDirectory} of its directory. */
  default boolean deleteIfExists(Path file) throws IOException {
    return Files.deleteIfExists(file);
  }
}
