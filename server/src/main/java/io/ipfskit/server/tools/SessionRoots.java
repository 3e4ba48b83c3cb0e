package io.ipfskit.server.tools;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.server.wal.WalCallException;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ListRootsResult;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The file access roots in force for one MCP session (stdio serves one session per process): the
 * client's MCP roots intersected with the operator's {@code IPFS_KIT_ALLOWED_ROOTS}, or the
 * operator's alone when the client does not offer roots (see {@link AllowedRoots}).
 *
 * <p>The client's roots are asked for ({@code roots/list}) on the first tool call that needs them,
 * on that call's worker thread, and kept until the client says they changed ({@code
 * notifications/roots/list_changed}): {@link #rootsListChanged()} only marks them stale (it runs on
 * the stdin thread before any later request is delivered, so a call after the notification never
 * sees the old roots), and the next call that needs them lists them again. A listing that fails
 * allows nothing: the call is refused and the next one asks again; it never falls back to the
 * operator's roots alone, which would be wider.
 *
 * <p>Thread-safe: {@code generation} counts change notifications; a listing is kept with the
 * generation it started under and is used only while no notification came since.
 */
public final class SessionRoots {
  private static final Logger log = LoggerFactory.getLogger(SessionRoots.class);
  /** Pages of {@code roots/list} read at most (a client paging forever cannot hold a call). */
  static final int MAX_ROOT_PAGES = 16;

  private record Listed(AllowedRoots roots, long generation) {}

  private final AllowedRoots operator;
  private final Path home;
  private final Path workingDirectory;
  private final AtomicLong generation = new AtomicLong();
  private volatile Listed listed;
  private final boolean askClient;

  /**
   * @param operator the operator's roots ({@code KitConfig#allowedRoots()}), {@link AllowedRoots#none()} when unset
   * @param home {@code IPFS_KIT_HOME}, carved out of every root
   * @param workingDirectory this process's working directory, against which relative paths resolve
   */
  public SessionRoots(AllowedRoots operator, Path home, Path workingDirectory) {
    this(operator, home, workingDirectory, true);
  }

  private SessionRoots(AllowedRoots operator, Path home, Path workingDirectory, boolean askClient) {
    this.askClient = askClient;
    this.operator = requireNonNull(operator, "operator");
    this.home = requireNonNull(home, "home").toAbsolutePath();
    this.workingDirectory = requireNonNull(workingDirectory, "workingDirectory").toAbsolutePath();
  }

  /** Roots of a server process: the operator's, {@code home}, the process's working directory. */
  public static SessionRoots forProcess(AllowedRoots operator, Path home) {
    return new SessionRoots(operator, home, Path.of("").toAbsolutePath());
  }

  /**
   * Roots for a server shared by many sessions (HTTP): the operator's only; a client's MCP roots are
   * never asked for, so one session's roots can never widen or narrow another's.
   */
  public static SessionRoots operatorOnly(AllowedRoots operator, Path home) {
    return new SessionRoots(operator, home, Path.of("").toAbsolutePath(), false);
  }

  /**
   * The policy for a call of this session, listing the client's roots first if they are not known
   * (or changed). Blocks for a {@code roots/list} round trip at most once per change; never call it
   * on the stdin thread.
   *
   * @param exchange the call's exchange; null (no client session, e.g. in tests) means operator roots only
   * @throws WalCallException (unavailable) when the client offers roots but listing them failed
   */
  public FileAccessPolicy policy(McpSyncServerExchange exchange) {
    return new FileAccessPolicy(roots(exchange), home, workingDirectory);
  }

  private AllowedRoots roots(McpSyncServerExchange exchange) {
    if (exchange == null || !askClient) return operator;
    McpSchema.ClientCapabilities caps = exchange.getClientCapabilities();
    if (caps == null || caps.roots() == null) return operator;
    long gen = generation.get();
    Listed l = listed;
    if (l != null && l.generation() == gen) return l.roots();
    List<String> uris;
    try {
      uris = listRootUris(exchange);
    } catch (RuntimeException e) {
      log.warn("listing the client's MCP roots failed; path arguments are refused until it answers: {}", e.toString());
      throw new WalCallException(WalCallException.Kind.UNAVAILABLE, "the client's MCP roots could not be listed ("
          + e.getClass().getSimpleName() + "), so no folder is allowed for file access; try again, or check that "
          + "the client answers roots/list");
    }
    AllowedRoots roots = operator.withClientRootUris(uris);
    int unusable = AllowedRoots.unusableRootUris(uris);
    if (unusable > 0) log.warn("ignored {} of the client's {} MCP roots: not absolute file: URIs", unusable, uris.size());
    log.info("file access roots in force: {}", roots.describe());
    if (generation.get() == gen) listed = new Listed(roots, gen);
    return roots;
  }

  private static List<String> listRootUris(McpSyncServerExchange exchange) {
    List<String> uris = new ArrayList<>();
    ListRootsResult page = exchange.listRoots();
    for (int pages = 1; ; pages++) {
      if (page == null || page.roots() == null) break;
      for (McpSchema.Root r : page.roots()) uris.add(r == null ? null : r.uri());
      String next = page.nextCursor();
      if (next == null || next.isEmpty()) break;
      if (pages == MAX_ROOT_PAGES)
        throw new IllegalStateException("roots/list returned more than " + MAX_ROOT_PAGES + " pages");
      page = exchange.listRoots(next);
    }
    return uris;
  }

  /**
   * The client said its roots changed: the next call that needs them lists them again. Returns at
   * once (it runs on the stdin thread).
   */
  public void rootsListChanged() {
    generation.incrementAndGet();
    log.info("the client's MCP roots changed; they are listed again on the next call that needs them");
  }
}
