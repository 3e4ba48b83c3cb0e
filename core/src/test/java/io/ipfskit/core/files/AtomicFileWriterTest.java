package io.ipfskit.core.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.files.PathRefusedException.Rule;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AtomicFileWriterTest {
  @TempDir Path tmp;
  Path root;
  Path outside;
  FileAccessPolicy policy;

  @BeforeEach
  void tree() throws IOException {
    Path base = tmp.toRealPath();
    root = Files.createDirectories(base.resolve("root"));
    outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("victim.txt"), "untouched");
    policy = new FileAccessPolicy(AllowedRoots.ofOperator(List.of(root)), base.resolve("home"), root);
  }

  WriteGrant grant(String name, boolean overwrite) {
    return policy.checkWrite("params.destination", root.resolve(name).toString(), overwrite);
  }

  @Test
  void write_newFile_holdsContentAndNoTempRemains() throws IOException {
    long n = new AtomicFileWriter().write(grant("out.bin", false), null, CancellationCheck.NEVER,
        out -> out.write("hello".getBytes(UTF_8)));
    assertEquals(5, n);
    assertEquals("hello", Files.readString(root.resolve("out.bin")));
    assertEquals(List.of("out.bin"), names(root));
  }

  @Test
  void write_symlinkPlantedAtTheNextTempName_cannotRedirectTheWrite() throws IOException {
    Files.createSymbolicLink(root.resolve(".planted.tmp"), outside.resolve("victim.txt"));
    Deque<String> tempNames = new ArrayDeque<>(List.of(".planted.tmp", ".fresh.tmp"));
    new AtomicFileWriter(tempNames::pop).write(grant("out.txt", false), null, CancellationCheck.NEVER,
        out -> out.write("payload".getBytes(UTF_8)));
    assertEquals("untouched", Files.readString(outside.resolve("victim.txt")));
    assertTrue(Files.isSymbolicLink(root.resolve(".planted.tmp")), "the planted link is left as it was");
    assertEquals("payload", Files.readString(root.resolve("out.txt")));
    assertEquals(List.of(".planted.tmp", "out.txt"), names(root));
  }

  @Test
  void write_symlinkAtTheOldFixedTempName_isNeverTouched() throws IOException {
    Files.createSymbolicLink(root.resolve(".out.txt.ipfs-kit-tmp"), outside.resolve("victim.txt"));
    new AtomicFileWriter().write(grant("out.txt", false), null, CancellationCheck.NEVER,
        out -> out.write("payload".getBytes(UTF_8)));
    assertEquals("untouched", Files.readString(outside.resolve("victim.txt")));
    assertEquals("payload", Files.readString(root.resolve("out.txt")));
  }

  @Test
  void write_sourceMode0600_copyStays0600() throws IOException {
    new AtomicFileWriter().write(grant("copy", false), PosixFilePermissions.fromString("rw-------"),
        CancellationCheck.NEVER, out -> out.write(1));
    assertEquals("rw-------", mode(root.resolve("copy")));
  }

  @Test
  void write_sourceModeExecutable_neverGainsExecOrMoreThanTheUsersNormalMode() throws IOException {
    Path normal = Files.createFile(root.resolve("normal")); // the user's normal mode: 0666 less the umask
    new AtomicFileWriter().write(grant("copy", false), PosixFilePermissions.fromString("rwxrwxrwx"),
        CancellationCheck.NEVER, out -> out.write(1));
    assertEquals(mode(normal), mode(root.resolve("copy")));
  }

  @Test
  void write_noSourceMode_getsTheUsersNormalMode() throws IOException {
    Path normal = Files.createFile(root.resolve("normal"));
    new AtomicFileWriter().write(grant("copy", false), null, CancellationCheck.NEVER, out -> out.write(1));
    assertEquals(mode(normal), mode(root.resolve("copy")));
  }

  @Test
  void write_overwritingA0600File_neverWidensIt() throws IOException {
    Path existing = Files.writeString(root.resolve("private"), "old");
    Files.setPosixFilePermissions(existing, PosixFilePermissions.fromString("rw-------"));
    new AtomicFileWriter().write(grant("private", true), null, CancellationCheck.NEVER,
        out -> out.write("new".getBytes(UTF_8)));
    assertEquals("new", Files.readString(existing));
    assertEquals("rw-------", mode(existing));
  }

  @Test
  void write_cancelledMidway_removesTempAndLeavesNoDestination() {
    AtomicBoolean cancel = new AtomicBoolean();
    OperationCancelledException e = assertThrows(OperationCancelledException.class,
        () -> new AtomicFileWriter().write(grant("big", false), null, cancel::get, out -> {
          out.write(new byte[1000]);
          cancel.set(true); // e.g. wal_cancel_operation arrives while the backend is still sending
          out.write(new byte[1000]);
        }));
    assertEquals(1000, e.bytesCopied());
    assertEquals(List.of(), names(root));
  }

  @Test
  void write_cancelledAfterTheLastChunk_stillCancelled() {
    AtomicBoolean cancel = new AtomicBoolean();
    assertThrows(OperationCancelledException.class,
        () -> new AtomicFileWriter().write(grant("big", false), null, cancel::get, out -> {
          out.write(new byte[10]);
          cancel.set(true);
        }));
    assertEquals(List.of(), names(root));
  }

  @Test
  void write_contentFails_removesTempAndKeepsTheOldFile() throws IOException {
    Files.writeString(root.resolve("keep.txt"), "old");
    IOException e = assertThrows(IOException.class,
        () -> new AtomicFileWriter().write(grant("keep.txt", true), null, CancellationCheck.NEVER, out -> {
          out.write("partial".getBytes(UTF_8));
          throw new IOException("backend went away");
        }));
    assertEquals("backend went away", e.getMessage());
    assertEquals("old", Files.readString(root.resolve("keep.txt")));
    assertEquals(List.of("keep.txt"), names(root));
  }

  @Test
  void write_destinationAppearedWhileWriting_refusedWithoutOverwrite() throws IOException {
    PathRefusedException e = assertThrows(PathRefusedException.class,
        () -> new AtomicFileWriter().write(grant("race.txt", false), null, CancellationCheck.NEVER, out -> {
          out.write(1);
          Files.writeString(root.resolve("race.txt"), "theirs");
        }));
    assertEquals(Rule.EXISTS, e.rule());
    assertEquals("theirs", Files.readString(root.resolve("race.txt")));
    assertEquals(List.of("race.txt"), names(root));
  }

  @Test
  void write_directoryAppearedAtDestination_refused() throws IOException {
    WriteGrant g = grant("slot", true);
    Files.createDirectory(root.resolve("slot"));
    assertEquals(Rule.NOT_REGULAR_FILE, assertThrows(PathRefusedException.class,
        () -> new AtomicFileWriter().write(g, null, CancellationCheck.NEVER, out -> out.write(1))).rule());
    assertTrue(Files.isDirectory(root.resolve("slot"), LinkOption.NOFOLLOW_LINKS));
  }

  private static String mode(Path p) throws IOException {
    return PosixFilePermissions.toString(Files.getPosixFilePermissions(p, LinkOption.NOFOLLOW_LINKS));
  }

  private static List<String> names(Path dir) {
    try (Stream<Path> s = Files.list(dir)) {
      return s.map(p -> p.getFileName().toString()).sorted().toList();
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
