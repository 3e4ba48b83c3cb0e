package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.files.PathRefusedException.Rule;
import java.io.IOException;
import java.io.InputStream;
import java.nio.channels.Channels;
import java.nio.channels.SeekableByteChannel;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.LinkOption;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.List;
import java.util.Set;

/**
 * Decides which host files a tool may read or write: the one place the file access rules live.
 *
 * <p><b>Rules</b>, in the order they are applied (the first broken one is reported):
 *
 * <ol>
 *   <li>blank or whitespace-only paths are refused before anything else;
 *   <li>a path the file system cannot take (NUL, longer than {@value #MAX_PATH_CHARS} characters) is
 *       refused;
 *   <li>with no roots in force ({@link AllowedRoots#allowsNothing()}) every path is refused, with a
 *       message saying how to allow a folder;
 *   <li>the path is made absolute against the caller's working directory and resolved to its real
 *       location: every symbolic link and {@code ..} followed, as the file system does it (so case
 *       and Unicode forms are the file system's own). For a destination, the <em>folder</em> is
 *       resolved and the last component is taken as a name, never followed;
 *   <li>anything under {@code /proc}, {@code /sys} or {@code /dev}, before or after resolution, is
 *       refused;
 *   <li>anything inside {@code IPFS_KIT_HOME} (the real home, and the home as written) is refused,
 *       whatever the roots say;
 *   <li>the real location must lie in one root of every layer of the roots (see {@link
 *       AllowedRoots}); each root is resolved too (a root that is a link stands for its target, a
 *       root that does not exist matches nothing). A path whose file or folder does not exist is
 *       reported as outside the roots unless its nearest existing folder is inside them, so refusals
 *       do not tell whether a file outside the roots exists;
 *   <li>a file read must be a regular file (not a directory, FIFO, device or socket); a destination
 *       must not be a symbolic link, a directory or another non-regular file, and an existing
 *       regular file is replaced only with {@code overwrite}.
 * </ol>
 *
 * <p><b>Check, record, re-check, open.</b> The tool edge calls {@link #checkRead}/{@link
 * #checkWrite} before it logs an operation and records the grant with it ({@link ReadGrant#toJson},
 * {@link WriteGrant#toJson}). When the operation runs, possibly later, in another process that owns
 * the home, after a restart, the runner calls {@link #openRead} (re-check + open) or {@link #write}
 * (re-check + {@link AtomicFileWriter}); the re-check applies the <em>recorded</em> roots (the
 * caller's) and this policy's home, and refuses with {@link Rule#CHANGED} when the real location is
 * no longer the recorded one (a link was swapped in, the file moved). Opening then goes down from the
 * root folder without following links (see {@code Folder}), so a swap between the re-check and the
 * open fails too.
 *
 * <p>Thread-safe and immutable; the roots can be replaced with {@link #withRoots} when the client's
 * roots change. Every check touches the file system (resolving roots and the path), so it costs a
 * few system calls, not a cache lookup: roots can be links that change.
 */
public final class FileAccessPolicy {
  /** Longest path argument accepted (Linux {@code PATH_MAX}). */
  public static final int MAX_PATH_CHARS = 4096;

  /** Longest file name a destination may end with (Linux {@code NAME_MAX}). */
  public static final int MAX_NAME_BYTES = 255;

  static final List<Path> SYSTEM_TREES = List.of(Path.of("/proc"), Path.of("/sys"), Path.of("/dev"));

  static final String HOW_TO_ALLOW = "to allow a folder, add it to " + AllowedRoots.SETTING
      + " (absolute folders separated by ':') in the server's environment or config.properties, "
      + "or offer it as an MCP root from the client";

  private final AllowedRoots roots;
  private final Path home;
  private final Path workingDirectory;

  /**
   * @param roots the roots in force
   * @param home {@code IPFS_KIT_HOME} (absolute), carved out of every root
   * @param workingDirectory the caller's working directory (absolute), for relative paths
   */
  public FileAccessPolicy(AllowedRoots roots, Path home, Path workingDirectory) {
    this.roots = requireNonNull(roots, "roots");
    requireNonNull(home, "home");
    requireNonNull(workingDirectory, "workingDirectory");
    if (!home.isAbsolute()) throw new IllegalArgumentException("home must be an absolute path");
    if (!workingDirectory.isAbsolute()) throw new IllegalArgumentException("workingDirectory must be an absolute path");
    this.home = home.normalize();
    this.workingDirectory = workingDirectory.normalize();
  }

  public AllowedRoots roots() {
    return roots;
  }

  public Path home() {
    return home;
  }

  /** The same policy with other roots (e.g. after {@code notifications/roots/list_changed}). */
  public FileAccessPolicy withRoots(AllowedRoots newRoots) {
    return new FileAccessPolicy(newRoots, home, workingDirectory);
  }

  // ------------------------------------------------------------------ checks at the tool edge

  /**
   * Checks a file to read.
   *
   * @param argument the argument's name for messages, e.g. {@code params.path}
   * @throws PathRefusedException naming {@code argument} and the rule
   */
  public ReadGrant checkRead(String argument, String path) {
    requireNonNull(argument, "argument");
    Path abs = absolute(argument, path, roots);
    Path real;
    try {
      real = abs.toRealPath();
    } catch (IOException e) {
      throw unresolvable(argument, path, abs, roots, false);
    }
    Path anchor = locate(argument, path, real, roots);
    requireRegularFile(argument, path, real);
    return new ReadGrant(argument, real, anchorFor(anchor, real.getParent()), roots);
  }

  /**
   * Checks a destination to create or (with {@code overwrite}) replace.
   *
   * @param argument the argument's name for messages, e.g. {@code params.destination}
   * @throws PathRefusedException naming {@code argument} and the rule
   */
  public WriteGrant checkWrite(String argument, String destination, boolean overwrite) {
    requireNonNull(argument, "argument");
    Path abs = absolute(argument, destination, roots);
    if (destination.endsWith("/"))
      throw refuse(argument, Rule.INVALID, argument + " must end with a file name, not '/'", destination);
    Path name = abs.getFileName();
    if (name == null)
      throw refuse(argument, Rule.INVALID, argument + " must end with a file name", destination);
    if (name.toString().getBytes(java.nio.charset.StandardCharsets.UTF_8).length > MAX_NAME_BYTES)
      throw refuse(argument, Rule.INVALID, argument + " must end with a file name of at most " + MAX_NAME_BYTES
          + " bytes", destination);
    if (name.toString().equals(".") || name.toString().equals(".."))
      throw refuse(argument, Rule.NOT_REGULAR_FILE, argument + " names a folder; give the path of a file in it",
          destination);
    Path realFolder;
    try {
      realFolder = abs.getParent().toRealPath();
    } catch (IOException e) {
      throw unresolvable(argument, destination, abs.getParent(), roots, true);
    }
    Path target = realFolder.resolve(name.toString());
    Path anchor = locate(argument, destination, target, roots);
    if (!Files.isDirectory(realFolder, LinkOption.NOFOLLOW_LINKS))
      throw refuse(argument, Rule.NOT_FOUND, "the folder of " + argument + " is not a folder", destination);
    requireWritableTarget(argument, destination, target, overwrite);
    return new WriteGrant(argument, realFolder, name.toString(), overwrite, anchorFor(anchor, realFolder), roots);
  }

  // ------------------------------------------------------------------ checks when the operation runs

  /**
   * Re-checks a recorded grant against its recorded roots and this policy's home, and returns a fresh
   * grant.
   *
   * @throws PathRefusedException {@link Rule#CHANGED} if the file's real location is no longer the
   *     recorded one; any other rule the file now breaks
   */
  public ReadGrant recheckRead(ReadGrant grant) {
    requireNonNull(grant, "grant");
    String argument = grant.argument();
    String recorded = grant.file().toString();
    if (grant.roots().allowsNothing()) throw noRoots(argument, recorded);
    Path real;
    try {
      real = grant.file().toRealPath();
    } catch (IOException e) {
      throw refuse(argument, Rule.NOT_FOUND, argument + " no longer exists (it was checked when the operation "
          + "was queued)", recorded);
    }
    if (!real.equals(grant.file())) throw changed(argument, recorded);
    Path anchor = locate(argument, recorded, real, grant.roots());
    requireRegularFile(argument, recorded, real);
    return new ReadGrant(argument, real, anchorFor(anchor, real.getParent()), grant.roots());
  }

  /**
   * Re-checks a recorded destination like {@link #recheckRead}; an existing file is refused again
   * unless the grant allows overwrite.
   */
  public WriteGrant recheckWrite(WriteGrant grant) {
    requireNonNull(grant, "grant");
    String argument = grant.argument();
    String recorded = grant.target().toString();
    if (grant.roots().allowsNothing()) throw noRoots(argument, recorded);
    Path realFolder;
    try {
      realFolder = grant.folder().toRealPath();
    } catch (IOException e) {
      throw refuse(argument, Rule.NOT_FOUND, "the folder of " + argument + " no longer exists (it was checked "
          + "when the operation was queued)", recorded);
    }
    if (!realFolder.equals(grant.folder())) throw changed(argument, recorded);
    Path target = realFolder.resolve(grant.fileName());
    Path anchor = locate(argument, recorded, target, grant.roots());
    requireWritableTarget(argument, recorded, target, grant.overwrite());
    return new WriteGrant(argument, realFolder, grant.fileName(), grant.overwrite(), anchorFor(anchor, realFolder),
        grant.roots());
  }

  /**
   * Re-checks {@code grant} and opens the file for reading, going down from its root folder without
   * following links. The caller closes the stream.
   *
   * <p>Residual window: a regular file swapped for a FIFO between the type check and the open
   * makes the open wait for a writer (Java cannot open with {@code O_NONBLOCK}); doing that needs
   * write access to a folder inside the roots by other means than these tools.
   *
   * @throws PathRefusedException as {@link #recheckRead}, or {@link Rule#CHANGED} if a link was
   *     swapped in between the re-check and the open
   * @throws IOException if the file cannot be read (permissions, I/O)
   */
  public InputStream openRead(ReadGrant grant) throws IOException {
    ReadGrant g = recheckRead(grant);
    String name = g.file().getFileName().toString();
    try (Folder folder = Folder.open(g.anchor(), g.file().getParent())) {
      BasicFileAttributes a = folder.attributesOrNull(name);
      if (a == null) throw refuse(g.argument(), Rule.NOT_FOUND, g.argument() + " no longer exists", g.file().toString());
      if (a.isSymbolicLink()) throw changed(g.argument(), g.file().toString());
      if (!a.isRegularFile()) throw notRegular(g.argument(), a, g.file().toString());
      SeekableByteChannel ch = folder.open(name, Set.of(StandardOpenOption.READ));
      return Channels.newInputStream(ch);
    } catch (Folder.LinkOnTheWayException e) {
      throw changed(g.argument(), g.file().toString());
    } catch (NoSuchFileException e) {
      throw refuse(g.argument(), Rule.NOT_FOUND, g.argument() + " no longer exists", g.file().toString());
    }
  }

  /**
   * Re-checks {@code grant} and writes the destination with {@link AtomicFileWriter}; returns the
   * bytes written.
   *
   * @param notWiderThan the source's permissions (the new file gets the user's normal mode, never
   *     wider than these), or null for the user's normal mode
   */
  public long write(WriteGrant grant, Set<PosixFilePermission> notWiderThan, CancellationCheck cancel,
      AtomicFileWriter.Content content) throws IOException {
    return new AtomicFileWriter().write(recheckWrite(grant), notWiderThan, cancel, content);
  }

  // ------------------------------------------------------------------ the rules

  /** Rules 1–3 and the lexical part of 5; returns the path made absolute (not normalized). */
  private Path absolute(String argument, String path, AllowedRoots in) {
    if (path == null || path.isBlank())
      throw refuse(argument, Rule.BLANK, argument + " must be a non-blank path", path);
    if (path.length() > MAX_PATH_CHARS)
      throw refuse(argument, Rule.INVALID, argument + " must be at most " + MAX_PATH_CHARS + " characters long", path);
    Path p;
    try {
      p = Path.of(path);
    } catch (InvalidPathException e) {
      throw refuse(argument, Rule.INVALID, argument + " is not a valid path (it holds a character the file "
          + "system cannot take, such as NUL)", path);
    }
    if (in.allowsNothing()) throw noRoots(argument, path);
    Path abs = p.isAbsolute() ? p : workingDirectory.resolve(p);
    if (inSystemTree(abs.normalize())) throw systemTree(argument, path);
    return abs;
  }

  /** Rules 5–7 on a real location; returns the deepest matching real root. */
  private Path locate(String argument, String given, Path real, AllowedRoots in) {
    if (inSystemTree(real)) throw systemTree(argument, given);
    if (real.startsWith(realOrNormal(home)) || real.startsWith(home))
      throw refuse(argument, Rule.INSIDE_HOME, argument + " refused: IPFS_KIT_HOME (the vault, the WAL and the "
          + "block store) and everything under it is never reachable by tools, whatever the roots say", given);
    Path anchor = deepestRoot(real, in);
    if (anchor == null) throw outside(argument, given, in);
    return anchor;
  }

  /** The deepest real root containing {@code real} if every layer has one, else null. */
  private static Path deepestRoot(Path real, AllowedRoots in) {
    Path deepest = null;
    for (List<Path> layer : in.layers()) {
      Path match = null;
      for (Path root : layer) {
        Path realRoot;
        try {
          realRoot = root.toRealPath();
        } catch (IOException missingOrUnreadable) {
          continue; // a root that does not exist matches nothing
        }
        if (real.startsWith(realRoot) && (match == null || realRoot.getNameCount() > match.getNameCount()))
          match = realRoot;
      }
      if (match == null) return null;
      if (deepest == null || match.getNameCount() > deepest.getNameCount()) deepest = match;
    }
    return deepest;
  }

  /**
   * A path that cannot be resolved: outside the roots unless its nearest existing folder is inside
   * them (then: not found), so the answer does not reveal what exists outside.
   */
  private PathRefusedException unresolvable(String argument, String given, Path abs, AllowedRoots in, boolean folder) {
    Path nearest = abs;
    Path real = null;
    while (nearest != null && real == null) {
      nearest = nearest.getParent();
      if (nearest == null) break;
      try {
        real = nearest.toRealPath();
      } catch (IOException keepClimbing) {
        // try the next folder up
      }
    }
    if (real != null) locate(argument, given, real, in); // throws if that folder is outside, home or system
    return refuse(argument, Rule.NOT_FOUND,
        folder ? "the folder of " + argument + " does not exist; create it first" : argument + " does not exist",
        given);
  }

  private static void requireRegularFile(String argument, String given, Path real) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(real, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (IOException e) {
      throw refuse(argument, Rule.NOT_FOUND, argument + " does not exist", given);
    }
    if (!a.isRegularFile()) throw notRegular(argument, a, given);
  }

  private static void requireWritableTarget(String argument, String given, Path target, boolean overwrite) {
    BasicFileAttributes a;
    try {
      a = Files.readAttributes(target, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS);
    } catch (NoSuchFileException absent) {
      return;
    } catch (IOException e) {
      throw refuse(argument, Rule.NOT_FOUND, "the folder of " + argument + " cannot be read", given);
    }
    if (a.isSymbolicLink())
      throw refuse(argument, Rule.SYMLINK, argument + " refused: it is a symbolic link; give the path of a "
          + "regular file or of a new file", given);
    if (!a.isRegularFile()) throw notRegular(argument, a, given);
    if (!overwrite) throw exists(argument, given);
  }

  static PathRefusedException exists(String argument, String given) {
    return refuse(argument, Rule.EXISTS, argument + " already exists; set overwrite to true to replace it", given);
  }

  private static Path anchorFor(Path anchor, Path folder) {
    return folder.startsWith(anchor) ? anchor : folder; // a root that is the file itself
  }

  static boolean inSystemTree(Path p) {
    for (Path t : SYSTEM_TREES) if (p.startsWith(t)) return true;
    return false;
  }

  /** The real path of {@code p}, or {@code p} normalized if it cannot be resolved. */
  static Path realOrNormal(Path p) {
    try {
      return p.toRealPath();
    } catch (IOException notThere) {
      return p.normalize();
    }
  }

  // ------------------------------------------------------------------ refusals

  static PathRefusedException refuse(String argument, Rule rule, String message, String given) {
    return new PathRefusedException(argument, rule, message, given);
  }

  private static PathRefusedException noRoots(String argument, String given) {
    return refuse(argument, Rule.NO_ROOTS, argument + " refused: no folder is allowed for file access (the client "
        + "offers no usable MCP roots and " + AllowedRoots.SETTING + " is not set, or they do not overlap); "
        + HOW_TO_ALLOW, given);
  }

  private static PathRefusedException systemTree(String argument, String given) {
    return refuse(argument, Rule.SYSTEM_TREE, argument + " refused: nothing under /proc, /sys or /dev is ever read "
        + "or written", given);
  }

  private static PathRefusedException outside(String argument, String given, AllowedRoots in) {
    return refuse(argument, Rule.OUTSIDE_ROOTS, argument + " refused: its real location (after following symbolic "
        + "links and '..') is outside the allowed roots (" + in.describe() + "); " + HOW_TO_ALLOW, given);
  }

  static PathRefusedException changed(String argument, String given) {
    return refuse(argument, Rule.CHANGED, argument + " refused when the operation ran: the file or a folder on its "
        + "way changed since it was checked (it is now a symbolic link or was moved); queue the operation again",
        given);
  }

  private static PathRefusedException notRegular(String argument, BasicFileAttributes a, String given) {
    String kind = a.isDirectory() ? "a directory" : a.isSymbolicLink() ? "a symbolic link"
        : "a device, FIFO or socket";
    return refuse(argument, Rule.NOT_REGULAR_FILE, argument + " refused: only regular files can be read or written, "
        + "and it is " + kind, given);
  }
}
