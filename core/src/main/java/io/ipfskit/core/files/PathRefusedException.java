package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

/**
 * A path argument a tool may not use. The message names the argument (e.g. {@code params.path}) and
 * the rule, and says how to allow a folder where that helps; it never holds the path nor any file
 * content, so it can go back to the model as is. The path the caller gave is kept apart ({@link
 * #refusedPath()}) for the audit log, which the caller writes.
 *
 * <p>Refusals are permanent: the same call with the same roots is refused again, so an operation
 * that meets one at run time fails without retrying.
 */
public final class PathRefusedException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  /** The rule a path broke. */
  public enum Rule {
    /** Neither the client's MCP roots nor {@code IPFS_KIT_ALLOWED_ROOTS} allow any folder. */
    NO_ROOTS,
    /** Empty or whitespace only (refused before any resolution). */
    BLANK,
    /** Not a path the file system can take (a NUL character, too long, no file name). */
    INVALID,
    /** Under {@code /proc}, {@code /sys} or {@code /dev}. */
    SYSTEM_TREE,
    /** Inside {@code IPFS_KIT_HOME}, which is carved out of every root. */
    INSIDE_HOME,
    /** Its real location is outside every allowed root. */
    OUTSIDE_ROOTS,
    /** The file (or the destination's folder) does not exist. */
    NOT_FOUND,
    /** A directory, device, FIFO or socket, where a regular file is needed. */
    NOT_REGULAR_FILE,
    /** The destination's last component is a symbolic link. */
    SYMLINK,
    /** The destination exists and overwrite was not asked for. */
    EXISTS,
    /** At run time: the file or a folder on its way changed since the check (now a link, moved). */
    CHANGED
  }

  private final String argument;
  private final Rule rule;
  private final transient String refusedPath;

  PathRefusedException(String argument, Rule rule, String message, String refusedPath) {
    super(message);
    this.argument = requireNonNull(argument, "argument");
    this.rule = requireNonNull(rule, "rule");
    this.refusedPath = refusedPath;
  }

  /** The argument that held the path, e.g. {@code params.destination}. */
  public String argument() {
    return argument;
  }

  public Rule rule() {
    return rule;
  }

  /**
   * One line for the audit log: argument, rule and the refused path with control and non-ASCII
   * characters escaped (backslash, u, four hex digits), so a path cannot forge log lines. Never file
   * content.
   */
  public String auditLine() {
    return "file access refused: argument=" + argument + " rule=" + rule + " path="
        + (refusedPath == null ? "null" : "\"" + escape(refusedPath) + "\"");
  }

  static String escape(String s) {
    StringBuilder b = new StringBuilder(s.length() + 8);
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '"' || c == '\\') b.append('\\').append(c);
      else if (c < 0x20 || c >= 0x7f) b.append(String.format("\\u%04x", (int) c));
      else b.append(c);
    }
    return b.toString();
  }

  /**
   * The path as the caller gave it (or as recorded with the operation), for the audit log only;
   * null when there was none. Never put it in a tool result.
   */
  public String refusedPath() {
    return refusedPath;
  }
}
