package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;

import io.ipfskit.core.files.AllowedRoots;
import java.nio.file.Path;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Which tool calls the stdio server may run on its reading thread, and only while their component is ready. */
class RunsInlineTest {
  @TempDir Path home;

  private static Set<String> inline(ToolSet set) {
    Set<String> names = new TreeSet<>();
    set.specifications().forEach(s -> {
      if (set.runsInline(s.tool().name())) names.add(s.tool().name());
    });
    return names;
  }

  @Test
  void secretsTools_onlyReadsAndOnlyOnceTheVaultIsUnlocked() {
    AtomicBoolean unlocked = new AtomicBoolean(false);
    SecretsTools tools = new SecretsTools(() -> null, "the key file", unlocked::get);
    assertEquals(Set.of(), inline(tools), "before the unlock every call may wait for it");
    unlocked.set(true);
    assertEquals(new TreeSet<>(List.of("secrets_encryption_info", "secrets_list", "secrets_retrieve",
        "secrets_statistics", "secrets_versions")), inline(tools));
  }

  @Test
  void walTools_onlyMemoryReadsAndOnlyWhileThisProcessOwnsTheLog() {
    AtomicBoolean owned = new AtomicBoolean(false);
    WalTools tools = new WalTools(() -> null, new SessionRoots(AllowedRoots.none(), home, home), null, owned::get);
    assertEquals(Set.of(), inline(tools));
    owned.set(true);
    assertEquals(new TreeSet<>(List.of("wal_metrics", "wal_status")), inline(tools),
        "never wal_wait_for_operation, an append (fsync) or a call that may read content, files or a backend");
  }

  @Test
  void defaultToolSet_nothingInline() {
    assertEquals(Set.of(), inline(new SecretsTools(() -> null)));
  }
}
