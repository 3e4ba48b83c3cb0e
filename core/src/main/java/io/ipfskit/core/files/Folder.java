package io.ipfskit.core.files;

import java.io.Closeable;
import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.AccessDeniedException;
import java.nio.file.DirectoryStream;
import java.nio.file.FileSystemException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.OpenOption;
import java.nio.file.Path;
import java.nio.file.SecureDirectoryStream;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributeView;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFileAttributeView;
import java.nio.file.attribute.PosixFilePermission;
import java.util.HashSet;
import java.util.Set;

/**
 * An open folder in which files are looked at, opened, renamed and deleted by name, never following
 * a symbolic link at the name.
 *
 * <p>Where the platform has {@link SecureDirectoryStream} (Linux: {@code openat}, {@code fstatat},
 * {@code renameat}, {@code unlinkat}), the folder is reached from an anchor (the real path of the
 * allowed root it lies in, opened by path) one component at a time with {@code O_NOFOLLOW}, and
 * every later step is relative to that open folder: a folder on the way swapped for a link after
 * the policy's check makes the open fail ({@link LinkOnTheWayException}) instead of redirecting it.
 * Elsewhere (macOS's JDK lacks it) the same steps go by path, with {@code NOFOLLOW_LINKS} at the last
 * component only; the policy's re-check just before narrows, but cannot close, the window for a swap
 * of a folder on the way.
 */
abstract class Folder implements Closeable {

  /** A folder between the anchor and the target became a symbolic link (or stopped being a folder). */
  static final class LinkOnTheWayException extends IOException {
    private static final long serialVersionUID = 1L;

    LinkOnTheWayException() {
      super("a folder on the way is now a symbolic link or no longer a folder");
    }
  }

  /** Opens {@code realDir}, which must be {@code anchor} or lie under it (both real, absolute). */
  static Folder open(Path anchor, Path realDir) throws IOException {
    if (!realDir.startsWith(anchor)) throw new IllegalArgumentException("realDir must lie under anchor");
    DirectoryStream<Path> first = Files.newDirectoryStream(anchor);
    if (!(first instanceof SecureDirectoryStream<Path> secure)) {
      first.close();
      return new ByPath(realDir);
    }
    SecureDirectoryStream<Path> current = secure;
    try {
      for (Path name : anchor.relativize(realDir)) {
        if (name.toString().isEmpty()) continue; // relativize(x, x) is the empty path
        BasicFileAttributes a =
            current.getFileAttributeView(name, BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS).readAttributes();
        if (!a.isDirectory()) throw new LinkOnTheWayException();
        SecureDirectoryStream<Path> next;
        try {
          next = current.newDirectoryStream(name, LinkOption.NOFOLLOW_LINKS);
        } catch (NoSuchFileException | AccessDeniedException notALinkProblem) {
          throw notALinkProblem;
        } catch (FileSystemException swappedSinceStat) { // ELOOP / ENOTDIR from O_NOFOLLOW|O_DIRECTORY
          throw new LinkOnTheWayException();
        }
        current.close();
        current = next;
      }
      return new Secure(current);
    } catch (IOException | RuntimeException e) {
      try {
        current.close();
      } catch (IOException suppressed) {
        e.addSuppressed(suppressed);
      }
      throw e;
    }
  }

  /** The name's attributes, not following a link there; null if nothing has that name. */
  abstract BasicFileAttributes attributesOrNull(String name) throws IOException;

  /** The name's permissions (not following a link), or null where the file system has none. */
  abstract Set<PosixFilePermission> permissionsOrNull(String name) throws IOException;

  /** Opens the name; {@code NOFOLLOW_LINKS} is always added. */
  abstract SeekableByteChannel open(String name, Set<OpenOption> options, FileAttribute<?>... attrs) throws IOException;

  /** Atomically renames {@code from} onto {@code to} in this folder, replacing {@code to}. */
  abstract void rename(String from, String to) throws IOException;

  abstract void delete(String name) throws IOException;

  /** Forces the folder's entries (a rename) to disk. */
  abstract void fsync() throws IOException;

  static Set<OpenOption> noFollow(Set<OpenOption> options) {
    Set<OpenOption> o = new HashSet<>(options);
    o.add(LinkOption.NOFOLLOW_LINKS);
    return o;
  }

  private static final class Secure extends Folder {
    private final SecureDirectoryStream<Path> dir;

    Secure(SecureDirectoryStream<Path> dir) {
      this.dir = dir;
    }

    @Override
    BasicFileAttributes attributesOrNull(String name) throws IOException {
      try {
        return dir.getFileAttributeView(Path.of(name), BasicFileAttributeView.class, LinkOption.NOFOLLOW_LINKS)
            .readAttributes();
      } catch (NoSuchFileException absent) {
        return null;
      }
    }

    @Override
    Set<PosixFilePermission> permissionsOrNull(String name) throws IOException {
      PosixFileAttributeView v =
          dir.getFileAttributeView(Path.of(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      return v == null ? null : v.readAttributes().permissions();
    }

    @Override
    SeekableByteChannel open(String name, Set<OpenOption> options, FileAttribute<?>... attrs) throws IOException {
      return dir.newByteChannel(Path.of(name), noFollow(options), attrs);
    }

    @Override
    void rename(String from, String to) throws IOException {
      dir.move(Path.of(from), dir, Path.of(to));
    }

    @Override
    void delete(String name) throws IOException {
      dir.deleteFile(Path.of(name));
    }

    @Override
    void fsync() throws IOException {
      try (SeekableByteChannel ch = dir.newByteChannel(Path.of("."), Set.of(StandardOpenOption.READ))) {
        if (ch instanceof FileChannel fc) fc.force(true);
      }
    }

    @Override
    public void close() throws IOException {
      dir.close();
    }
  }

  private static final class ByPath extends Folder {
    private final Path dir;

    ByPath(Path dir) {
      this.dir = dir;
    }

    @Override
    BasicFileAttributes attributesOrNull(String name) throws IOException {
      try {
        return Files.readAttributes(dir.resolve(name), BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
      } catch (NoSuchFileException absent) {
        return null;
      }
    }

    @Override
    Set<PosixFilePermission> permissionsOrNull(String name) throws IOException {
      PosixFileAttributeView v =
          Files.getFileAttributeView(dir.resolve(name), PosixFileAttributeView.class, LinkOption.NOFOLLOW_LINKS);
      return v == null ? null : v.readAttributes().permissions();
    }

    @Override
    SeekableByteChannel open(String name, Set<OpenOption> options, FileAttribute<?>... attrs) throws IOException {
      return Files.newByteChannel(dir.resolve(name), noFollow(options), attrs);
    }

    @Override
    void rename(String from, String to) throws IOException {
      Files.move(dir.resolve(from), dir.resolve(to), StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    }

    @Override
    void delete(String name) throws IOException {
      Files.delete(dir.resolve(name));
    }

    @Override
    void fsync() throws IOException {
      try (FileChannel ch = FileChannel.open(dir, StandardOpenOption.READ)) {
        ch.force(true);
      }
    }

    @Override
    public void close() {}
  }
}
