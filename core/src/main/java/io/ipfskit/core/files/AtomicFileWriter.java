package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.files.PathRefusedException.Rule;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.channels.Channels;
import java.nio.channels.FileChannel;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.FileAlreadyExistsException;
import java.nio.file.FileSystems;
import java.nio.file.NoSuchFileException;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.FileAttribute;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.SecureRandom;
import java.util.EnumSet;
import java.util.HexFormat;
import java.util.Set;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Writes a destination so that readers see the old file or the whole new one, never a part, and so
 * that nothing planted in the folder can redirect the write:
 *
 * <ol>
 *   <li>open the destination's real folder from its root without following links ({@code Folder});
 *   <li>create a temp file there with a random name ({@code .ipfs-kit-<128 random bits>.tmp}),
 *       exclusively ({@code CREATE_NEW}) and without following a link ({@code NOFOLLOW_LINKS}): a
 *       file or link already at that name makes the create fail and another name is drawn, so a
 *       planted link is never written through;
 *   <li>write the content, checking the {@link CancellationCheck} before every chunk, then fsync;
 *   <li>if overwrite was not granted, refuse if the destination appeared meanwhile; rename the temp
 *       onto the destination atomically (a link at the destination is replaced, not followed), then
 *       fsync the folder.
 * </ol>
 *
 * <p>Any failure or a cancel removes the temp file. <b>Mode:</b> the new file gets the user's
 * normal mode ({@code 0666} less the umask), never wider than {@code notWiderThan} (the source's
 * mode when copying out of the store), and never wider than the file it replaces.
 *
 * <p>Residual window: without {@code renameat2(RENAME_NOREPLACE)} in Java, the "destination
 * appeared meanwhile" check and the rename are two steps; a file created in between by someone else
 * is replaced.
 */
public final class AtomicFileWriter {
  private static final Logger LOG = LoggerFactory.getLogger(AtomicFileWriter.class);
  private static final int NAME_ATTEMPTS = 16;
  private static final SecureRandom RANDOM = new SecureRandom();
  private static final boolean POSIX = FileSystems.getDefault().supportedFileAttributeViews().contains("posix");
  private static final Set<PosixFilePermission> NORMAL_FILE_MODE = PosixFilePermissions.fromString("rw-rw-rw-");

  /** Writes the content into the stream it is given; the writer closes the stream. */
  @FunctionalInterface
  public interface Content {
    void writeTo(OutputStream out) throws IOException;
  }

  private final Supplier<String> tempNames;

  public AtomicFileWriter() {
    this(AtomicFileWriter::randomTempName);
  }

  /** For tests: where temp names come from. */
  AtomicFileWriter(Supplier<String> tempNames) {
    this.tempNames = requireNonNull(tempNames, "tempNames");
  }

  static String randomTempName() {
    byte[] b = new byte[16];
    RANDOM.nextBytes(b);
    return ".ipfs-kit-" + HexFormat.of().formatHex(b) + ".tmp";
  }

  /**
   * Writes {@code content} to {@code target}'s destination; returns the bytes written. Call it with
   * a grant the policy has just (re-)checked ({@link FileAccessPolicy#write} does both).
   *
   * @param notWiderThan the source's permissions, or null for the user's normal mode
   * @throws PathRefusedException {@link Rule#CHANGED} if a folder on the way became a link, {@link
   *     Rule#EXISTS} if the destination appeared and overwrite was not granted, {@link Rule#SYMLINK} /
   *     {@link Rule#NOT_REGULAR_FILE} if the destination became one
   * @throws OperationCancelledException if {@code cancel} said so (the temp file is removed)
   */
  public long write(WriteGrant target, Set<PosixFilePermission> notWiderThan, CancellationCheck cancel, Content content)
      throws IOException {
    requireNonNull(target, "target");
    requireNonNull(cancel, "cancel");
    requireNonNull(content, "content");
    String argument = target.argument();
    String name = target.fileName();
    String shown = target.target().toString();
    try (Folder folder = Folder.open(target.anchor(), target.folder())) {
      BasicFileAttributes existing = folder.attributesOrNull(name);
      checkDestination(target, existing, shown);
      Set<PosixFilePermission> mode = mode(notWiderThan, existing == null ? null : folder.permissionsOrNull(name));
      String temp = null;
      SeekableByteChannel ch = null;
      for (int i = 0; i < NAME_ATTEMPTS && ch == null; i++) {
        String candidate = tempNames.get();
        try {
          ch = mode == null
              ? folder.open(candidate, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE))
              : folder.open(candidate, Set.of(StandardOpenOption.CREATE_NEW, StandardOpenOption.WRITE), attribute(mode));
          temp = candidate;
        } catch (FileAlreadyExistsException taken) {
          // something (maybe a planted link) holds that name: draw another
        }
      }
      if (ch == null)
        throw new IOException("could not create a temp file for " + argument + " after " + NAME_ATTEMPTS + " names");
      long written;
      try {
        try (SeekableByteChannel c = ch) {
          CountingOutput out = new CountingOutput(
              BoundedCopy.guard(Channels.newOutputStream(c), Long.MAX_VALUE, cancel));
          content.writeTo(out);
          out.flush();
          if (cancel.isCancelled()) throw new OperationCancelledException(out.count);
          if (c instanceof FileChannel fc) fc.force(true);
          written = out.count;
        }
        checkDestination(target, folder.attributesOrNull(name), shown);
        folder.rename(temp, name);
        temp = null;
        folder.fsync();
        return written;
      } finally {
        if (temp != null) deleteQuietly(folder, temp);
      }
    } catch (Folder.LinkOnTheWayException e) {
      throw FileAccessPolicy.changed(argument, shown);
    } catch (NoSuchFileException e) {
      throw FileAccessPolicy.refuse(argument, Rule.NOT_FOUND, "the folder of " + argument + " no longer exists",
          shown);
    }
  }

  private static void checkDestination(WriteGrant target, BasicFileAttributes a, String shown) {
    if (a == null) return;
    String argument = target.argument();
    if (a.isSymbolicLink())
      throw FileAccessPolicy.refuse(argument, Rule.SYMLINK, argument + " refused: it is now a symbolic link", shown);
    if (!a.isRegularFile())
      throw FileAccessPolicy.refuse(argument, Rule.NOT_REGULAR_FILE, argument + " refused: it is now a directory "
          + "or another file that is not a regular file", shown);
    if (!target.overwrite()) throw FileAccessPolicy.exists(argument, shown);
  }

  /** The mode to create with (the kernel then removes the umask), or null where there are no modes. */
  static Set<PosixFilePermission> mode(Set<PosixFilePermission> notWiderThan, Set<PosixFilePermission> replaced) {
    if (!POSIX) return null;
    Set<PosixFilePermission> m = EnumSet.copyOf(NORMAL_FILE_MODE);
    if (notWiderThan != null) m.retainAll(notWiderThan);
    if (replaced != null) m.retainAll(replaced);
    return m;
  }

  private static FileAttribute<Set<PosixFilePermission>> attribute(Set<PosixFilePermission> mode) {
    return PosixFilePermissions.asFileAttribute(mode);
  }

  private static void deleteQuietly(Folder folder, String temp) {
    try {
      folder.delete(temp);
    } catch (IOException e) {
      LOG.warn("Could not remove the temp file {} after a failed or cancelled write: {}", temp, e.toString());
    }
  }

  private static final class CountingOutput extends OutputStream {
    private final OutputStream out;
    long count;

    CountingOutput(OutputStream out) {
      this.out = out;
    }

    @Override
    public void write(int b) throws IOException {
      out.write(b);
      count++;
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      out.write(b, off, len);
      count += len;
    }

    @Override
    public void flush() throws IOException {
      out.flush();
    }
  }
}
