package io.ipfskit.core.files;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.files.PathRefusedException.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The table of path tricks, against a real tree in a temp dir:
 *
 * <pre>
 * base/root/                 the allowed root (operator roots unless a case says otherwise)
 *        a.txt  sub/b.txt  sub/deeper/  fifo (a FIFO)
 *        link-in  -> root/a.txt            link-out -> outside/secret.txt
 *        dir-out  -> outside/              link-home -> home/secrets/keyring.json
 *        proc-link -> /proc/self/environ   loop -> loop
 *        home/ = IPFS_KIT_HOME (inside the root, like ~/.ipfs_kit under an allowed ~)
 *              secrets/keyring.json  wal/segment-0.wal
 * base/outside/secret.txt   base/root2/c.txt   base/rootlink -> root2   base/nope (absent)
 * </pre>
 *
 * Paths in the tables use {root}, {outside}, {home}, {base} placeholders; the working directory is
 * {root}/sub.
 */
class FileAccessPolicyTest {
  @TempDir Path tmp;
  Path base;
  Path root;
  Path outside;
  Path home;

  @BeforeEach
  void tree() throws Exception {
    base = tmp.toRealPath();
    root = Files.createDirectories(base.resolve("root"));
    outside = Files.createDirectories(base.resolve("outside"));
    home = Files.createDirectories(root.resolve("home"));
    Files.writeString(root.resolve("a.txt"), "a");
    Files.createDirectories(root.resolve("sub/deeper"));
    Files.writeString(root.resolve("sub/b.txt"), "b");
    Files.writeString(outside.resolve("secret.txt"), "secret");
    Files.createDirectories(home.resolve("secrets"));
    Files.writeString(home.resolve("secrets/keyring.json"), "{}");
    Files.createDirectories(home.resolve("wal"));
    Files.writeString(home.resolve("wal/segment-0.wal"), "log");
    Files.createSymbolicLink(root.resolve("link-in"), root.resolve("a.txt"));
    Files.createSymbolicLink(root.resolve("link-out"), outside.resolve("secret.txt"));
    Files.createSymbolicLink(root.resolve("dir-out"), outside);
    Files.createSymbolicLink(root.resolve("link-home"), home.resolve("secrets/keyring.json"));
    Files.createSymbolicLink(root.resolve("proc-link"), Path.of("/proc/self/environ"));
    Files.createSymbolicLink(root.resolve("loop"), root.resolve("loop"));
    Files.createDirectories(base.resolve("root2"));
    Files.writeString(base.resolve("root2/c.txt"), "c");
    Files.createSymbolicLink(base.resolve("rootlink"), base.resolve("root2"));
    mkfifo(root.resolve("fifo"));
  }

  @AfterEach
  void removeLinkOutOfTmp() throws IOException {
    Files.deleteIfExists(root.resolve("proc-link")); // else JUnit warns about a link leaving the temp dir
  }

  static void mkfifo(Path p) throws Exception {
    Process proc = new ProcessBuilder("mkfifo", p.toString()).inheritIO().start();
    assertTrue(proc.waitFor(30, TimeUnit.SECONDS), "mkfifo finished");
    assertEquals(0, proc.exitValue(), "mkfifo exit code");
  }

  String expand(String s) {
    return s.replace("{root}", root.toString()).replace("{outside}", outside.toString())
        .replace("{home}", home.toString()).replace("{base}", base.toString());
  }

  /** Roots by name: "root" (operator [root]), "slash" (operator [/]), "none", and the special ones. */
  AllowedRoots roots(String which) {
    return switch (which) {
      case "root" -> AllowedRoots.ofOperator(List.of(root));
      case "slash" -> AllowedRoots.ofOperator(List.of(Path.of("/")));
      case "none" -> AllowedRoots.none();
      case "rootlink" -> AllowedRoots.ofOperator(List.of(base.resolve("rootlink")));
      case "nope" -> AllowedRoots.ofOperator(List.of(base.resolve("nope")));
      case "client-sub-and-operator-root" ->
          AllowedRoots.ofOperator(List.of(root)).withClientRoots(List.of(root.resolve("sub")));
      case "client-root-only" -> AllowedRoots.none().withClientRoots(List.of(root));
      case "client-unusable" -> AllowedRoots.ofOperator(List.of(root)).withClientRootUris(List.of("https://x/y"));
      default -> throw new IllegalArgumentException(which);
    };
  }

  FileAccessPolicy policy(String which) {
    return new FileAccessPolicy(roots(which), home, root.resolve("sub"));
  }

  /** @param expected a Rule name, or "ok:<real path>" */
  record Case(String name, String roots, String path, String expected) {
    @Override
    public String toString() {
      return name;
    }
  }

  static Stream<Case> readCases() {
    return Stream.of(
        new Case("absolute path inside the root", "root", "{root}/a.txt", "ok:{root}/a.txt"),
        new Case("absolute path outside the roots", "root", "{outside}/secret.txt", "OUTSIDE_ROOTS"),
        new Case("'..' escape", "root", "{root}/sub/../../outside/secret.txt", "OUTSIDE_ROOTS"),
        new Case("symlink file pointing out", "root", "{root}/link-out", "OUTSIDE_ROOTS"),
        new Case("symlink parent folder pointing out", "root", "{root}/dir-out/secret.txt", "OUTSIDE_ROOTS"),
        new Case("symlink inside pointing inside", "root", "{root}/link-in", "ok:{root}/a.txt"),
        new Case("a path into the home", "root", "{home}/secrets/keyring.json", "INSIDE_HOME"),
        new Case("a link into the home", "root", "{root}/link-home", "INSIDE_HOME"),
        new Case("a '..' walk into the home", "root", "{root}/sub/../home/wal/segment-0.wal", "INSIDE_HOME"),
        new Case("/proc/self/environ with root /", "slash", "/proc/self/environ", "SYSTEM_TREE"),
        new Case("/proc through a link", "root", "{root}/proc-link", "SYSTEM_TREE"),
        new Case("/proc by '..'", "slash", "{root}/../../../../../../../../proc/self/environ", "SYSTEM_TREE"),
        new Case("/dev/zero with root /", "slash", "/dev/zero", "SYSTEM_TREE"),
        new Case("/sys with root /", "slash", "/sys/kernel/uevent_seqnum", "SYSTEM_TREE"),
        new Case("relative path against the working directory", "root", "b.txt", "ok:{root}/sub/b.txt"),
        new Case("relative '..' escape", "root", "../../outside/secret.txt", "OUTSIDE_ROOTS"),
        new Case("a root that is itself a symlink, path through the link", "rootlink", "{base}/rootlink/c.txt",
            "ok:{base}/root2/c.txt"),
        new Case("a root that is itself a symlink, real path", "rootlink", "{base}/root2/c.txt",
            "ok:{base}/root2/c.txt"),
        new Case("a non-existent root matches nothing", "nope", "{base}/nope/x.txt", "OUTSIDE_ROOTS"),
        new Case("a non-existent root, existing file beside it", "nope", "{root}/a.txt", "OUTSIDE_ROOTS"),
        new Case("blank path", "root", "", "BLANK"),
        new Case("whitespace-only path", "root", "   ", "BLANK"),
        new Case("whitespace-only path with no roots", "none", "\t \n", "BLANK"),
        new Case("no roots at all", "none", "{root}/a.txt", "NO_ROOTS"),
        new Case("a directory", "root", "{root}/sub", "NOT_REGULAR_FILE"),
        new Case("a FIFO as a source", "root", "{root}/fifo", "NOT_REGULAR_FILE"),
        new Case("missing file inside the root", "root", "{root}/missing.txt", "NOT_FOUND"),
        new Case("missing file outside: no existence oracle", "root", "{outside}/missing.txt", "OUTSIDE_ROOTS"),
        new Case("missing folder outside: no existence oracle", "root", "{outside}/no/such/file", "OUTSIDE_ROOTS"),
        new Case("a symlink loop", "root", "{root}/loop", "NOT_FOUND"),
        new Case("a NUL character", "root", "{root}/a\0.txt", "INVALID"),
        new Case("client roots intersected with the operator's: inside both", "client-sub-and-operator-root",
            "{root}/sub/b.txt", "ok:{root}/sub/b.txt"),
        new Case("client roots intersected with the operator's: only in the operator's",
            "client-sub-and-operator-root", "{root}/a.txt", "OUTSIDE_ROOTS"),
        new Case("client roots alone", "client-root-only", "{root}/a.txt", "ok:{root}/a.txt"),
        new Case("client offered only unusable roots: nothing, no fallback", "client-unusable", "{root}/a.txt",
            "NO_ROOTS"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("readCases")
  void checkRead_trickyPath_followsTheTable(Case c) {
    FileAccessPolicy policy = policy(c.roots());
    String path = expand(c.path());
    if (c.expected().startsWith("ok:")) {
      ReadGrant g = policy.checkRead("params.path", path);
      assertEquals(Path.of(expand(c.expected().substring(3))), g.file());
      assertTrue(g.file().startsWith(g.anchor()), "anchor holds the file");
    } else {
      PathRefusedException e = assertThrows(PathRefusedException.class, () -> policy.checkRead("params.path", path));
      assertEquals(Rule.valueOf(c.expected()), e.rule(), e.getMessage());
      assertEquals("params.path", e.argument());
      assertTrue(e.getMessage().startsWith("params.path "), e.getMessage());
      assertNoPathIn(e.getMessage(), path);
      assertEquals(path, e.refusedPath());
    }
  }

  @Test
  void checkRead_overlongPath_refusedAsInvalid() {
    String path = "/" + "a".repeat(FileAccessPolicy.MAX_PATH_CHARS);
    PathRefusedException e = assertThrows(PathRefusedException.class, () -> policy("slash").checkRead("params.path", path));
    assertEquals(Rule.INVALID, e.rule());
    assertEquals("params.path must be at most 4096 characters long", e.getMessage());
  }

  @Test
  void checkWrite_fileNameLongerThanNameMax_refusedAsInvalid() {
    PathRefusedException e = assertThrows(PathRefusedException.class,
        () -> policy("root").checkWrite("params.destination", root.resolve("x".repeat(256)).toString(), false));
    assertEquals(Rule.INVALID, e.rule());
    assertEquals("params.destination must end with a file name of at most 255 bytes", e.getMessage());
  }

  @Test
  void auditLine_pathWithNewlineAndQuote_escapedSoItCannotForgeLogLines() {
    String path = root + "/a\nfile access refused: argument=x\"";
    PathRefusedException e = assertThrows(PathRefusedException.class, () -> policy("none").checkRead("params.path", path));
    assertEquals("file access refused: argument=params.path rule=NO_ROOTS path=\"" + root
        + "/a\\u000afile access refused: argument=x\\\"\"", e.auditLine());
    assertFalse(e.getMessage().contains("argument=x"), "the message never holds the path");
  }

  static Stream<Case> writeCases() {
    return Stream.of(
        new Case("new file in the root", "root", "{root}/new.txt", "ok:{root}/new.txt"),
        new Case("existing file without overwrite", "root", "{root}/a.txt", "EXISTS"),
        new Case("symlink at the last component (pointing in)", "root", "{root}/link-in", "SYMLINK"),
        new Case("symlink at the last component (pointing out)", "root", "{root}/link-out", "SYMLINK"),
        new Case("symlink parent folder pointing out", "root", "{root}/dir-out/new.txt", "OUTSIDE_ROOTS"),
        new Case("'..' escape", "root", "{root}/../outside/new.txt", "OUTSIDE_ROOTS"),
        new Case("absolute path outside", "root", "{outside}/new.txt", "OUTSIDE_ROOTS"),
        new Case("the vault's key ring", "root", "{home}/secrets/keyring.json", "INSIDE_HOME"),
        new Case("a new file in the home", "root", "{home}/wal/new.wal", "INSIDE_HOME"),
        new Case("the home itself", "root", "{home}", "INSIDE_HOME"),
        new Case("a directory as destination", "root", "{root}/sub", "NOT_REGULAR_FILE"),
        new Case("a directory with a trailing slash", "root", "{root}/sub/", "INVALID"),
        new Case("a directory by '..'", "root", "{root}/sub/..", "NOT_REGULAR_FILE"),
        new Case("a FIFO as destination", "root", "{root}/fifo", "NOT_REGULAR_FILE"),
        new Case("blank destination", "root", "   ", "BLANK"),
        new Case("relative destination", "root", "new.txt", "ok:{root}/sub/new.txt"),
        new Case("missing folder inside the root", "root", "{root}/no-folder/new.txt", "NOT_FOUND"),
        new Case("missing folder outside: no existence oracle", "root", "{outside}/no-folder/new.txt",
            "OUTSIDE_ROOTS"),
        new Case("/proc/self/environ", "slash", "/proc/self/environ", "SYSTEM_TREE"),
        new Case("/dev/null", "slash", "/dev/null", "SYSTEM_TREE"),
        new Case("the root folder itself", "slash", "/", "INVALID"),
        new Case("a root that is itself a symlink", "rootlink", "{base}/rootlink/new.txt", "ok:{base}/root2/new.txt"),
        new Case("a non-existent root", "nope", "{base}/nope/new.txt", "OUTSIDE_ROOTS"),
        new Case("no roots at all", "none", "{root}/new.txt", "NO_ROOTS"));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("writeCases")
  void checkWrite_trickyDestination_followsTheTable(Case c) {
    FileAccessPolicy policy = policy(c.roots());
    String path = expand(c.path());
    if (c.expected().startsWith("ok:")) {
      WriteGrant g = policy.checkWrite("params.destination", path, false);
      assertEquals(Path.of(expand(c.expected().substring(3))), g.target());
      assertTrue(g.folder().startsWith(g.anchor()), "anchor holds the folder");
    } else {
      PathRefusedException e =
          assertThrows(PathRefusedException.class, () -> policy.checkWrite("params.destination", path, false));
      assertEquals(Rule.valueOf(c.expected()), e.rule(), e.getMessage());
      assertEquals("params.destination", e.argument());
      assertNoPathIn(e.getMessage(), path);
    }
  }

  @Test
  void checkWrite_existingFileWithOverwrite_allowed() {
    WriteGrant g = policy("root").checkWrite("params.destination", root.resolve("a.txt").toString(), true);
    assertEquals(root.resolve("a.txt"), g.target());
    assertTrue(g.overwrite());
  }

  @Test
  void checkWrite_symlinkWithOverwrite_stillRefused() {
    PathRefusedException e = assertThrows(PathRefusedException.class,
        () -> policy("root").checkWrite("params.destination", root.resolve("link-out").toString(), true));
    assertEquals(Rule.SYMLINK, e.rule());
    assertEquals("secret", read(outside.resolve("secret.txt")));
  }

  @Test
  void checkWrite_keyringWithOverwrite_refusedAsHome() {
    PathRefusedException e = assertThrows(PathRefusedException.class,
        () -> policy("root").checkWrite("params.destination", home.resolve("secrets/keyring.json").toString(), true));
    assertEquals(Rule.INSIDE_HOME, e.rule());
  }

  @Nested
  class Messages {
    @Test
    void noRoots_saysHowToAllowAFolder() {
      PathRefusedException e = assertThrows(PathRefusedException.class,
          () -> policy("none").checkRead("params.path", root.resolve("a.txt").toString()));
      assertEquals("params.path refused: no folder is allowed for file access (the client offers no usable MCP roots "
          + "and IPFS_KIT_ALLOWED_ROOTS is not set, or they do not overlap); to allow a folder, add it to "
          + "IPFS_KIT_ALLOWED_ROOTS (absolute folders separated by ':') in the server's environment or "
          + "config.properties, or offer it as an MCP root from the client", e.getMessage());
    }

    @Test
    void outsideRoots_namesArgumentRuleAndRootsButNotThePath() {
      PathRefusedException e = assertThrows(PathRefusedException.class,
          () -> policy("root").checkRead("params.path", outside.resolve("secret.txt").toString()));
      assertEquals("params.path refused: its real location (after following symbolic links and '..') is outside "
          + "the allowed roots (IPFS_KIT_ALLOWED_ROOTS [" + root + "]); " + FileAccessPolicy.HOW_TO_ALLOW,
          e.getMessage());
      assertFalse(e.toString().contains("secret"), e.toString());
    }

    @Test
    void exists_namesTheFix() {
      PathRefusedException e = assertThrows(PathRefusedException.class,
          () -> policy("root").checkWrite("params.destination", root.resolve("a.txt").toString(), false));
      assertEquals("params.destination already exists; set overwrite to true to replace it", e.getMessage());
    }

    @Test
    void blank_refusedBeforeResolution() {
      PathRefusedException e =
          assertThrows(PathRefusedException.class, () -> policy("root").checkWrite("params.destination", "   ", true));
      assertEquals("params.destination must be a non-blank path", e.getMessage());
      assertFalse(Files.exists(root.resolve("sub/   ")), "no file named by spaces");
    }
  }

  /** What happens between the check at the tool edge and the run. */
  @Nested
  class Recheck {
    @Test
    void recheckRead_symlinkSwappedInAfterTheCheck_refusedAsChanged() throws Exception {
      Path file = root.resolve("swap.txt");
      Files.writeString(file, "mine");
      ReadGrant g = policy("root").checkRead("params.path", file.toString());
      Files.delete(file);
      Files.createSymbolicLink(file, outside.resolve("secret.txt"));
      PathRefusedException e = assertThrows(PathRefusedException.class, () -> policy("root").recheckRead(g));
      assertEquals(Rule.CHANGED, e.rule());
      assertEquals(Rule.CHANGED, assertThrows(PathRefusedException.class, () -> policy("root").openRead(g)).rule());
    }

    @Test
    void recheckRead_parentFolderSwappedForLinkAfterTheCheck_refusedAsChanged() throws Exception {
      Path dir = Files.createDirectories(root.resolve("d"));
      Files.writeString(dir.resolve("f.txt"), "mine");
      Files.writeString(outside.resolve("f.txt"), "secret");
      ReadGrant g = policy("root").checkRead("params.path", dir.resolve("f.txt").toString());
      Files.move(dir, root.resolve("d-away"));
      Files.createSymbolicLink(dir, outside);
      assertEquals(Rule.CHANGED, assertThrows(PathRefusedException.class, () -> policy("root").recheckRead(g)).rule());
      assertEquals(Rule.CHANGED, assertThrows(PathRefusedException.class, () -> policy("root").openRead(g)).rule());
    }

    @Test
    void recheckRead_fileTurnedIntoFifo_refusedAsNotRegular() throws Exception {
      Path file = root.resolve("turns.txt");
      Files.writeString(file, "x");
      ReadGrant g = policy("root").checkRead("params.path", file.toString());
      Files.delete(file);
      mkfifo(file);
      assertEquals(Rule.NOT_REGULAR_FILE,
          assertThrows(PathRefusedException.class, () -> policy("root").openRead(g)).rule());
    }

    @Test
    void recheckRead_fileDeleted_refusedAsNotFound() throws Exception {
      ReadGrant g = policy("root").checkRead("params.path", root.resolve("a.txt").toString());
      Files.delete(root.resolve("a.txt"));
      assertEquals(Rule.NOT_FOUND, assertThrows(PathRefusedException.class, () -> policy("root").recheckRead(g)).rule());
    }

    @Test
    void recheckRead_usesTheRecordedRootsNotTheRunnersOwn() throws Exception {
      ReadGrant g = policy("root").checkRead("params.path", root.resolve("a.txt").toString());
      ReadGrant decoded = ReadGrant.fromJson(g.toJson(), "file_access");
      assertEquals(g, decoded);
      // the owner process has no roots of its own; the caller's recorded roots decide
      try (InputStream in = policy("none").openRead(decoded)) {
        assertEquals("a", new String(in.readAllBytes(), UTF_8));
      }
    }

    @Test
    void recheckRead_rootLinkRepointedElsewhere_refusedAsOutside() throws Exception {
      ReadGrant g = policy("rootlink").checkRead("params.path", base.resolve("rootlink/c.txt").toString());
      Files.createDirectories(base.resolve("root3"));
      Files.delete(base.resolve("rootlink"));
      Files.createSymbolicLink(base.resolve("rootlink"), base.resolve("root3"));
      assertEquals(Rule.OUTSIDE_ROOTS,
          assertThrows(PathRefusedException.class, () -> policy("rootlink").recheckRead(g)).rule());
    }

    @Test
    void recheckRead_grantIntoTheHomeMadeUp_refusedAsHome() {
      // a forged or stale record naming a file inside this process's home is refused at run time
      ReadGrant forged = new ReadGrant("params.path", home.resolve("secrets/keyring.json"), root,
          AllowedRoots.ofOperator(List.of(root)));
      assertEquals(Rule.INSIDE_HOME,
          assertThrows(PathRefusedException.class, () -> policy("root").recheckRead(forged)).rule());
    }

    @Test
    void recheckWrite_symlinkPlantedAtDestinationAfterTheCheck_refused() throws Exception {
      WriteGrant g = policy("root").checkWrite("params.destination", root.resolve("out.txt").toString(), true);
      Files.createSymbolicLink(root.resolve("out.txt"), outside.resolve("secret.txt"));
      assertEquals(Rule.SYMLINK, assertThrows(PathRefusedException.class, () -> policy("root").recheckWrite(g)).rule());
      assertEquals(Rule.SYMLINK, assertThrows(PathRefusedException.class,
          () -> new AtomicFileWriter().write(g, null, CancellationCheck.NEVER, out -> out.write(1))).rule());
      assertEquals("secret", read(outside.resolve("secret.txt")));
    }

    @Test
    void recheckWrite_folderSwappedForLinkAfterTheCheck_refusedAsChanged() throws Exception {
      Path dir = Files.createDirectories(root.resolve("d"));
      WriteGrant g = policy("root").checkWrite("params.destination", dir.resolve("out.txt").toString(), false);
      Files.move(dir, root.resolve("d-away"));
      Files.createSymbolicLink(dir, outside);
      assertEquals(Rule.CHANGED, assertThrows(PathRefusedException.class, () -> policy("root").recheckWrite(g)).rule());
      // the writer, handed the stale grant directly, refuses too: it walks down without following links
      assertEquals(Rule.CHANGED, assertThrows(PathRefusedException.class,
          () -> new AtomicFileWriter().write(g, null, CancellationCheck.NEVER, out -> out.write(1))).rule());
      assertFalse(Files.exists(outside.resolve("out.txt")));
    }

    @Test
    void recheckWrite_fileAppearedWithoutOverwrite_refusedAsExists() throws Exception {
      WriteGrant g = policy("root").checkWrite("params.destination", root.resolve("out.txt").toString(), false);
      Files.writeString(root.resolve("out.txt"), "someone else's");
      assertEquals(Rule.EXISTS, assertThrows(PathRefusedException.class, () -> policy("root").recheckWrite(g)).rule());
      assertEquals("someone else's", read(root.resolve("out.txt")));
    }

    @Test
    void write_afterRecheck_writesTheDestination() throws Exception {
      WriteGrant g = policy("root").checkWrite("params.destination", "out.txt", false);
      WriteGrant decoded = WriteGrant.fromJson(g.toJson(), "file_access");
      assertEquals(g, decoded);
      long n = policy("root").write(decoded, null, CancellationCheck.NEVER, out -> out.write("hello".getBytes(UTF_8)));
      assertEquals(5, n);
      assertEquals("hello", read(root.resolve("sub/out.txt")));
    }
  }

  @Nested
  class Walk {
    @Test
    void folderOpen_linkOnTheWay_refused() throws Exception {
      assertThrows(Folder.LinkOnTheWayException.class, () -> Folder.open(root, root.resolve("dir-out")).close());
    }

    @Test
    void folderOpen_realFolders_opens() throws Exception {
      try (Folder f = Folder.open(root, root.resolve("sub/deeper"))) {
        assertEquals(null, f.attributesOrNull("absent"));
      }
      try (Folder f = Folder.open(root, root.resolve("sub"))) {
        assertTrue(f.attributesOrNull("b.txt").isRegularFile());
      }
    }
  }

  private static void assertNoPathIn(String message, String path) {
    if (path.isBlank() || path.length() < 3) return;
    assertFalse(message.contains(path), "message must not echo the path: " + message);
  }

  private static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }
}
