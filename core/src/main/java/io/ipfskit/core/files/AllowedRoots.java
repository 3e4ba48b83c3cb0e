package io.ipfskit.core.files;

import static java.util.Objects.requireNonNull;

import java.net.URI;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/**
 * The folders tools may read from and write to, as given (absolute paths, not yet resolved):
 *
 * <ul>
 *   <li>the client's MCP roots intersected with the operator's {@code IPFS_KIT_ALLOWED_ROOTS} when
 *       both exist (a path must lie under a client root <em>and</em> under an operator root);
 *   <li>the operator's roots alone when the client offers none;
 *   <li>the client's roots alone when the operator set none;
 *   <li>nothing when neither exists ({@link #allowsNothing()}): path arguments are refused.
 * </ul>
 *
 * <p>A client that offers roots none of which is a usable {@code file:} folder allows nothing; it
 * does not fall back to the operator's roots alone (which would widen access). The roots are
 * resolved (symbolic links followed) each time a path is checked, by {@link FileAccessPolicy}: a root
 * that is itself a link stands for its target, a root that does not exist matches nothing.
 * Immutable.
 */
public final class AllowedRoots {
  /** The operator setting (environment or config.properties). */
  public static final String SETTING = "IPFS_KIT_ALLOWED_ROOTS";

  private static final AllowedRoots NONE = new AllowedRoots(null, null);

  /** Null: the operator set none. */
  private final List<Path> operator;
  /** Null: the client offers none. Empty: it offered some, none usable. */
  private final List<Path> client;

  private AllowedRoots(List<Path> operator, List<Path> client) {
    this.operator = operator == null ? null : List.copyOf(operator);
    this.client = client == null ? null : List.copyOf(client);
  }

  /** No roots: every path argument is refused. */
  public static AllowedRoots none() {
    return NONE;
  }

  /**
   * Parses the operator setting {@value #SETTING}: absolute folders separated by {@code :} as in
   * {@code PATH}. Null means "not set" and gives {@link #none()}.
   *
   * @throws IllegalArgumentException naming the entry by position and the rule (never its text):
   *     the whole value blank, an empty entry (two {@code :} in a row, or one at either end), an entry
   *     with surrounding whitespace, a relative entry ({@code ~} is not expanded), or one the file
   *     system cannot take (a NUL character)
   */
  public static AllowedRoots parseSetting(String value) {
    if (value == null) return NONE;
    if (value.isBlank())
      throw new IllegalArgumentException(SETTING + " is set but blank; list absolute folders separated by ':' "
          + "(e.g. /home/me/projects:/data/shared) or leave it unset");
    String[] entries = value.split(":", -1);
    LinkedHashSet<Path> roots = new LinkedHashSet<>();
    for (int i = 0; i < entries.length; i++) {
      String e = entries[i];
      String where = SETTING + " entry " + (i + 1) + " of " + entries.length;
      if (e.isEmpty() || e.isBlank())
        throw new IllegalArgumentException(where + " is empty (two ':' in a row, or a ':' at either end); remove it");
      if (!e.strip().equals(e))
        throw new IllegalArgumentException(where + " starts or ends with whitespace; remove the whitespace");
      if (!e.startsWith("/"))
        throw new IllegalArgumentException(where + " must be an absolute folder starting with '/' "
            + "(relative folders and ~ are not expanded); write the full path");
      try {
        roots.add(Path.of(e).normalize());
      } catch (InvalidPathException bad) {
        throw new IllegalArgumentException(where + " is not a valid path (it holds a character the file system "
            + "cannot take, such as NUL)");
      }
    }
    return new AllowedRoots(new ArrayList<>(roots), null);
  }

  /** The operator's roots given as paths (each must be absolute). */
  public static AllowedRoots ofOperator(List<Path> roots) {
    return new AllowedRoots(absolute(roots, "roots"), null);
  }

  /**
   * These roots with the client's roots replaced by {@code clientRoots}: null or empty means the
   * client offers none.
   *
   * @throws IllegalArgumentException if a client root is not absolute
   */
  public AllowedRoots withClientRoots(List<Path> clientRoots) {
    if (clientRoots == null || clientRoots.isEmpty()) return new AllowedRoots(operator, null);
    return new AllowedRoots(operator, absolute(clientRoots, "clientRoots"));
  }

  /**
   * These roots with the client's roots taken from MCP {@code roots/list}: each {@code uri} must be
   * an absolute {@code file:} URI; others are dropped (they match nothing) and counted in the log
   * the caller writes from {@link #unusableRootUris}. If the client offered URIs and none is usable,
   * the result allows nothing (see the class comment). Null or empty means the client offers none.
   */
  public AllowedRoots withClientRootUris(List<String> uris) {
    if (uris == null || uris.isEmpty()) return new AllowedRoots(operator, null);
    List<Path> usable = new ArrayList<>();
    for (String u : uris) {
      Path p = fileUriOrNull(u);
      if (p != null && !usable.contains(p)) usable.add(p);
    }
    return new AllowedRoots(operator, usable);
  }

  /** How many of {@code uris} {@link #withClientRootUris} drops as unusable. */
  public static int unusableRootUris(List<String> uris) {
    if (uris == null) return 0;
    int n = 0;
    for (String u : uris) if (fileUriOrNull(u) == null) n++;
    return n;
  }

  private static Path fileUriOrNull(String uri) {
    if (uri == null) return null;
    try {
      URI u = new URI(uri);
      if (!"file".equalsIgnoreCase(u.getScheme()) || u.getRawPath() == null) return null;
      Path p = Path.of(u);
      return p.isAbsolute() ? p.normalize() : null;
    } catch (Exception notAFileUri) { // URISyntaxException, IllegalArgumentException, InvalidPathException...
      return null;
    }
  }

  private static List<Path> absolute(List<Path> roots, String field) {
    requireNonNull(roots, field);
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < roots.size(); i++) {
      Path p = requireNonNull(roots.get(i), field + "[" + i + "]");
      if (!p.isAbsolute()) throw new IllegalArgumentException(field + "[" + i + "] must be an absolute path");
      Path n = p.normalize();
      if (!out.contains(n)) out.add(n);
    }
    return out;
  }

  /** True when no root is in force: every path argument is refused. */
  public boolean allowsNothing() {
    return layers().stream().anyMatch(List::isEmpty) || (operator == null && client == null);
  }

  /** The operator's roots, if the operator set any. */
  public Optional<List<Path>> operatorRoots() {
    return Optional.ofNullable(operator);
  }

  /** The client's usable roots, if the client offers any (possibly empty: none usable). */
  public Optional<List<Path>> clientRoots() {
    return Optional.ofNullable(client);
  }

  /** The sets a path must each lie in (one root of every layer): client and/or operator. */
  List<List<Path>> layers() {
    List<List<Path>> layers = new ArrayList<>(2);
    if (client != null) layers.add(client);
    if (operator != null) layers.add(operator);
    return Collections.unmodifiableList(layers);
  }

  /**
   * Refuses operator roots inside {@code home} (a start-up error: the home is carved out of every
   * root, so such a root could only mislead). Compares real paths where they exist.
   *
   * @throws IllegalArgumentException naming the entry by position and the rule
   */
  public void requireOperatorRootsOutsideHome(Path home) {
    requireNonNull(home, "home");
    if (operator == null) return;
    Path realHome = FileAccessPolicy.realOrNormal(home.toAbsolutePath());
    for (int i = 0; i < operator.size(); i++) {
      Path real = FileAccessPolicy.realOrNormal(operator.get(i));
      if (real.startsWith(realHome))
        throw new IllegalArgumentException(SETTING + " entry " + (i + 1) + " of " + operator.size()
            + " lies inside IPFS_KIT_HOME, which tools may never reach; allow a folder outside the home");
    }
  }

  /** One line for {@code wal_health}/{@code server_info} and the start-up log. */
  public String describe() {
    if (operator == null && client == null)
      return "none (path arguments are refused; set " + SETTING + " or offer MCP roots from the client)";
    if (client == null) return SETTING + " " + operator;
    if (operator == null) return "client roots " + client;
    return "client roots " + client + " intersected with " + SETTING + " " + operator;
  }

  /** {@code {"operator": [..] | null, "client": [..] | null}}, to record with an operation. */
  public ObjectNode toJson() {
    ObjectNode o = JsonNodeFactory.instance.objectNode();
    o.set("operator", array(operator));
    o.set("client", array(client));
    return o;
  }

  private static JsonNode array(List<Path> paths) {
    if (paths == null) return JsonNodeFactory.instance.nullNode();
    ArrayNode a = JsonNodeFactory.instance.arrayNode();
    for (Path p : paths) a.add(p.toString());
    return a;
  }

  /**
   * Reads what {@link #toJson} wrote.
   *
   * @throws IllegalArgumentException naming the field and the rule if it is not that shape
   */
  public static AllowedRoots fromJson(JsonNode json, String field) {
    if (json == null || !json.isObject()) throw new IllegalArgumentException(field + " must be an object");
    return new AllowedRoots(paths(json.get("operator"), field + ".operator"), paths(json.get("client"), field + ".client"));
  }

  private static List<Path> paths(JsonNode a, String field) {
    if (a == null || a.isNull()) return null;
    if (!a.isArray()) throw new IllegalArgumentException(field + " must be an array of absolute paths or null");
    List<Path> out = new ArrayList<>();
    for (int i = 0; i < a.size(); i++) {
      JsonNode e = a.get(i);
      Path p;
      try {
        p = e != null && e.isString() ? Path.of(e.asString()) : null;
      } catch (InvalidPathException bad) {
        p = null;
      }
      if (p == null || !p.isAbsolute())
        throw new IllegalArgumentException(field + "[" + i + "] must be an absolute path");
      out.add(p.normalize());
    }
    return out;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof AllowedRoots r && Objects.equals(operator, r.operator) && Objects.equals(client, r.client);
  }

  @Override
  public int hashCode() {
    return Objects.hash(operator, client);
  }

  @Override
  public String toString() {
    return "AllowedRoots[" + describe() + "]";
  }
}
