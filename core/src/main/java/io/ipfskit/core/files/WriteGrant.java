package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * A destination {@link FileAccessPolicy#checkWrite} allowed: the real folder it goes into, the file
 * name in it, whether an existing regular file may be replaced, the real root folder the folder was
 * found under ({@code anchor}) and the roots in force at the check. Record it with the operation
 * ({@link #toJson}); the run re-checks ({@link FileAccessPolicy#recheckWrite}) and writes through
 * {@link AtomicFileWriter}.
 *
 * @param argument the argument that named the destination, e.g. {@code params.destination}
 * @param folder the real path of the destination's folder
 * @param fileName the last component: not empty, no {@code /}, not {@code .} or {@code ..}
 * @param overwrite whether an existing regular file may be replaced
 * @param anchor the real path of the deepest allowed root holding {@code folder} (or {@code folder})
 * @param roots the roots in force when it was checked
 */
public record WriteGrant(String argument, Path folder, String fileName, boolean overwrite, Path anchor,
    AllowedRoots roots) {
  public WriteGrant {
    requireNonNull(argument, "argument");
    requireNonNull(roots, "roots");
    if (folder == null || !folder.isAbsolute()) throw new IllegalArgumentException("folder must be an absolute path");
    if (anchor == null || !anchor.isAbsolute()) throw new IllegalArgumentException("anchor must be an absolute path");
    if (!folder.startsWith(anchor)) throw new IllegalArgumentException("folder must lie under anchor");
    if (fileName == null || fileName.isEmpty() || fileName.indexOf('/') >= 0 || fileName.indexOf('\0') >= 0
        || fileName.equals(".") || fileName.equals(".."))
      throw new IllegalArgumentException("fileName must be one path component (not empty, no '/', not . or ..)");
  }

  /** The destination's full path. */
  public Path target() {
    return folder.resolve(fileName);
  }

  /** {@code {"argument", "folder", "file_name", "overwrite", "anchor", "roots"}}. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.put("argument", argument);
    o.put("folder", folder.toString());
    o.put("file_name", fileName);
    o.put("overwrite", overwrite);
    o.put("anchor", anchor.toString());
    o.set("roots", roots.toJson());
    return o;
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @throws IllegalArgumentException naming {@code field}'s part and the rule if it is not that shape
   */
  public static WriteGrant fromJson(JsonNode json, String field) {
    if (json == null || !json.isObject()) throw new IllegalArgumentException(field + " must be an object");
    JsonNode ow = json.get("overwrite");
    if (ow == null || !ow.isBoolean()) throw new IllegalArgumentException(field + ".overwrite must be a boolean");
    return new WriteGrant(ReadGrant.text(json, field, "argument"), ReadGrant.path(json, field, "folder"),
        ReadGrant.text(json, field, "file_name"), ow.asBoolean(), ReadGrant.path(json, field, "anchor"),
        AllowedRoots.fromJson(json.get("roots"), field + ".roots"));
  }
}
