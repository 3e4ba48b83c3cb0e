package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.core.files.FileAccessPolicy;
import io.ipfskit.server.wal.WalCallException;
import io.modelcontextprotocol.server.McpSyncServerExchange;
import io.modelcontextprotocol.spec.McpSchema;
import io.modelcontextprotocol.spec.McpSchema.ListRootsResult;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Which roots a session's calls get. The client is a scripted stand-in for the SDK exchange (the
 * real TypeScript client is exercised end to end by FileAccessRootsIT).
 */
class SessionRootsTest {
  @TempDir Path base;
  private Path home;
  private Path a;
  private Path b;

  /** A client that answers {@code roots/list} with {@link #roots}, or fails when {@link #fail} is set. */
  private static final class Client extends McpSyncServerExchange {
    final boolean offersRoots;
    List<String> roots = List.of();
    RuntimeException fail;
    int listCalls;

    Client(boolean offersRoots) {
      super(null);
      this.offersRoots = offersRoots;
    }

    @Override
    public McpSchema.ClientCapabilities getClientCapabilities() {
      return offersRoots ? McpSchema.ClientCapabilities.builder().roots(true).build()
          : McpSchema.ClientCapabilities.builder().build();
    }

    @Override
    public ListRootsResult listRoots() {
      listCalls++;
      if (fail != null) throw fail;
      List<McpSchema.Root> list = new ArrayList<>();
      for (String uri : roots) list.add(new McpSchema.Root(uri, "r"));
      return new ListRootsResult(list);
    }
  }

  @BeforeEach
  void dirs() throws Exception {
    base = base.toRealPath();
    home = base.resolve("home");
    a = Files.createDirectories(base.resolve("a"));
    b = Files.createDirectories(base.resolve("b"));
  }

  @Test
  void policy_clientWithoutRoots_operatorRootsOnlyAndNeverAsks() {
    SessionRoots s = new SessionRoots(AllowedRoots.ofOperator(List.of(a)), home, base);
    Client c = new Client(false);
    assertEquals(Optional.of(List.of(a)), s.policy(c).roots().operatorRoots());
    assertEquals(Optional.empty(), s.policy(c).roots().clientRoots());
    assertEquals(0, c.listCalls);
  }

  @Test
  void policy_clientRoots_listedOnceThenKeptUntilTheyChange() {
    SessionRoots s = new SessionRoots(AllowedRoots.none(), home, base);
    Client c = new Client(true);
    c.roots = List.of(a.toUri().toString());
    assertEquals(Optional.of(List.of(a)), s.policy(c).roots().clientRoots());
    s.policy(c);
    assertEquals(1, c.listCalls, "kept while no roots/list_changed came");

    c.roots = List.of(b.toUri().toString());
    s.rootsListChanged();
    FileAccessPolicy after = s.policy(c);
    assertEquals(2, c.listCalls);
    assertEquals(Optional.of(List.of(b)), after.roots().clientRoots());
    after.checkRead("params.path", touch(b.resolve("f")));
    assertThrows(RuntimeException.class, () -> after.checkRead("params.path", touch(a.resolve("f"))));
  }

  @Test
  void policy_clientAndOperatorRoots_intersected() {
    SessionRoots s = new SessionRoots(AllowedRoots.ofOperator(List.of(a)), home, base);
    Client c = new Client(true);
    c.roots = List.of(base.toUri().toString());
    FileAccessPolicy p = s.policy(c);
    p.checkRead("params.path", touch(a.resolve("in")));
    assertThrows(RuntimeException.class, () -> p.checkRead("params.path", touch(b.resolve("in"))),
        "inside the client's root but outside the operator's");
  }

  @Test
  void policy_listingFails_refusedNeverWidenedAndAskedAgainNextTime() {
    SessionRoots s = new SessionRoots(AllowedRoots.ofOperator(List.of(a)), home, base);
    Client c = new Client(true);
    c.fail = new IllegalStateException("timeout");
    WalCallException e = assertThrows(WalCallException.class, () -> s.policy(c));
    assertTrue(e.getMessage().contains("no folder is allowed"), e.getMessage());
    c.fail = null;
    c.roots = List.of(a.toUri().toString());
    assertEquals(Optional.of(List.of(a)), s.policy(c).roots().clientRoots());
    assertEquals(2, c.listCalls);
  }

  @Test
  void policy_clientOffersOnlyNonFileRoots_allowsNothing() {
    SessionRoots s = new SessionRoots(AllowedRoots.ofOperator(List.of(a)), home, base);
    Client c = new Client(true);
    c.roots = List.of("https://example.com/repo", "file:relative");
    assertTrue(s.policy(c).roots().allowsNothing(), "never falls back to the operator's roots alone");
  }

  @Test
  void policy_noExchange_operatorRoots() {
    SessionRoots s = new SessionRoots(AllowedRoots.ofOperator(List.of(a)), home, base);
    assertEquals(Optional.of(List.of(a)), s.policy(null).roots().operatorRoots());
  }

  private static String touch(Path p) {
    try {
      if (!Files.exists(p)) Files.writeString(p, "x");
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    return p.toString();
  }
}
