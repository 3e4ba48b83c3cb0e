package io.ipfskit.server.tools;

import io.ipfskit.server.KitHome;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

/**
 * The one place that decides which tools the server offers and in which order. Building the
 * catalog touches no component: each tool set reaches its component through {@link KitHome} on
 * the first call, so {@code tools/list} never waits for a vault unlock.
 */
public final class ToolCatalog {

  private ToolCatalog() {}

  /** Every tool of the server, for the given home, with the operator's roots only (no client session). */
  public static List<SyncToolSpecification> all(KitHome home) {
    return all(home, SessionRoots.forProcess(home.config().allowedRoots(), home.directory()));
  }

  /** Every tool of the server, for the given home and the session's file access roots; add a new group here. */
  public static List<SyncToolSpecification> all(KitHome home, SessionRoots roots) {
    return assemble(List.of(new SecretsTools(home::vault, home.vaultKeySource()),
        new WalTools(home::wal, roots, home::contentReader), new BreakerTools(home::wal),
        HealthTools.overWal(home::wal),
        new PerformanceTools(home::performanceSources, java.time.Clock.systemUTC())));
  }

  /** The tools of {@link #all} that the stdio server answers without a worker thread. */
  public static List<LongCall> longCalls(KitHome home, SessionRoots roots) {
    return new WalTools(home::wal, roots, home::contentReader).longCalls();
  }

  /**
   * Which {@code tools/call}s of {@link #all} the stdio server may run on its reading thread right
   * now ({@link ToolSet#runsInline}): the quick secrets calls once the vault is unlocked, the quick
   * WAL calls once this process owns the recovered log.
   */
  public static java.util.function.Predicate<String> runsInline(KitHome home, SessionRoots roots) {
    List<ToolSet> sets = List.of(new SecretsTools(home::vault, home.vaultKeySource(), home::vaultUnlocked),
        new WalTools(home::wal, roots, home::contentReader, home::walOwnedHere));
    return name -> {
      for (ToolSet set : sets) {
        if (set.runsInline(name)) return true;
      }
      return false;
    };
  }

  /**
   * Concatenates the groups in order.
   *
   * @throws IllegalArgumentException when two tools share a name
   */
  public static List<SyncToolSpecification> assemble(List<ToolSet> sets) {
    List<SyncToolSpecification> tools = new ArrayList<>();
    Set<String> names = new HashSet<>();
    for (ToolSet set : sets) {
      for (SyncToolSpecification spec : set.specifications()) {
        if (!names.add(spec.tool().name())) {
          throw new IllegalArgumentException("tool name '" + spec.tool().name() + "' is registered twice");
        }
        tools.add(spec);
      }
    }
    return List.copyOf(tools);
  }
}
