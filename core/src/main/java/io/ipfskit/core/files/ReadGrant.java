package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A file {@link FileAccessPolicy#checkRead} allowed: its real path, the real root folder it was found
 * under ({@code anchor}) and the roots in force at the check. Record it with the operation ({@link
 * #toJson}) so the run can re-check against the same roots ({@link FileAccessPolicy#recheckRead}),
 * in this process or in the owner, after a restart too.
 *
 * @param argument the argument that named the file, e.g. {@code params.path}
 * @param file the file's real path (no links, no {@code ..})
 * @param anchor the real path of the deepest allowed root holding {@code file}
 * @param roots the roots in force when it was checked
 */
public record ReadGrant(String argument, Path file, Path anchor, AllowedRoots roots) {
  public ReadGrant {
    requireNonNull(argument, "argument");
    requireNonNull(roots, "roots");
    if (file == null || !file.isAbsolute() || file.getFileName() == null)
      throw new IllegalArgumentException("file must be an absolute path to a file");
    if (anchor == null || !anchor.isAbsolute()) throw new IllegalArgumentException("anchor must be an absolute path");
    if (!file.getParent().startsWith(anchor)) throw new IllegalArgumentException("file must lie under anchor");
  }

  /** {@code {"argument", "file", "anchor", "roots"}}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("argument", argument);
    o.put("file", file.toString());
    o.put("anchor", anchor.toString());
    o.set("roots", roots.toJson());
    return o;
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @throws IllegalArgumentException naming {@code field}'s part and the rule if it is not that shape
   */
  public static ReadGrant fromJson(JsonNode json, String field) {
    if (json == null || !json.isObject()) throw new IllegalArgumentException(field + " must be an object");
    return new ReadGrant(text(json, field, "argument"), path(json, field, "file"), path(json, field, "anchor"),
        AllowedRoots.fromJson(json.get("roots"), field + ".roots"));
  }

  static String text(JsonNode json, String field, String name) {
    JsonNode n = json.get(name);
    if (n == null || !n.isString()) throw new IllegalArgumentException(field + "." + name + " must be a string");
    return n.asString();
  }

  static Path path(JsonNode json, String field, String name) {
    try {
      Path p = Path.of(text(json, field, name));
      if (p.isAbsolute()) return p;
    } catch (InvalidPathException bad) {
      // falls through to the same message
    }
    throw new IllegalArgumentException(field + "." + name + " must be an absolute path");
  }
}
