package io.ipfskit.core.files;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class AllowedRootsTest {
  @TempDir Path tmp;

  @Test
  void parseSetting_folders_inOrderWithoutDuplicates() {
    AllowedRoots r = AllowedRoots.parseSetting("/home/me/projects:/data/shared/../shared:/home/me/projects");
    assertEquals(Optional.of(List.of(Path.of("/home/me/projects"), Path.of("/data/shared"))), r.operatorRoots());
    assertEquals(Optional.empty(), r.clientRoots());
    assertFalse(r.allowsNothing());
  }

  @Test
  void parseSetting_unset_allowsNothing() {
    assertEquals(AllowedRoots.none(), AllowedRoots.parseSetting(null));
    assertTrue(AllowedRoots.parseSetting(null).allowsNothing());
  }

  @ParameterizedTest(name = "[{0}]")
  @CsvSource(delimiter = '|', value = {
      "''|IPFS_KIT_ALLOWED_ROOTS is set but blank; list absolute folders separated by ':' (e.g. /home/me/projects:/data/shared) or leave it unset",
      "'   '|IPFS_KIT_ALLOWED_ROOTS is set but blank; list absolute folders separated by ':' (e.g. /home/me/projects:/data/shared) or leave it unset",
      "/a::/b|IPFS_KIT_ALLOWED_ROOTS entry 2 of 3 is empty (two ':' in a row, or a ':' at either end); remove it",
      ":/a|IPFS_KIT_ALLOWED_ROOTS entry 1 of 2 is empty (two ':' in a row, or a ':' at either end); remove it",
      "/a:|IPFS_KIT_ALLOWED_ROOTS entry 2 of 2 is empty (two ':' in a row, or a ':' at either end); remove it",
      "/a: :/b|IPFS_KIT_ALLOWED_ROOTS entry 2 of 3 is empty (two ':' in a row, or a ':' at either end); remove it",
      "/a:projects|IPFS_KIT_ALLOWED_ROOTS entry 2 of 2 must be an absolute folder starting with '/' (relative folders and ~ are not expanded); write the full path",
      "~/projects|IPFS_KIT_ALLOWED_ROOTS entry 1 of 1 must be an absolute folder starting with '/' (relative folders and ~ are not expanded); write the full path",
      "'/a /b '|IPFS_KIT_ALLOWED_ROOTS entry 1 of 1 starts or ends with whitespace; remove the whitespace",
  })
  void parseSetting_badValue_namesEntryAndRule(String value, String message) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowedRoots.parseSetting(value));
    assertEquals(message, e.getMessage());
  }

  @Test
  void parseSetting_nulCharacter_refusedWithoutEchoingIt() {
    IllegalArgumentException e =
        assertThrows(IllegalArgumentException.class, () -> AllowedRoots.parseSetting("/ok:/secret-name\0x"));
    assertEquals("IPFS_KIT_ALLOWED_ROOTS entry 2 of 2 is not a valid path (it holds a character the file system "
        + "cannot take, such as NUL)", e.getMessage());
  }

  @Test
  void requireOperatorRootsOutsideHome_rootInsideHome_startUpError() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Files.createDirectories(home.resolve("blocks"));
    AllowedRoots r = AllowedRoots.ofOperator(List.of(tmp.resolve("elsewhere"), home.resolve("blocks")));
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> r.requireOperatorRootsOutsideHome(home));
    assertEquals("IPFS_KIT_ALLOWED_ROOTS entry 2 of 2 lies inside IPFS_KIT_HOME, which tools may never reach; "
        + "allow a folder outside the home", e.getMessage());
  }

  @Test
  void requireOperatorRootsOutsideHome_linkIntoHome_startUpError() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    Path link = Files.createSymbolicLink(tmp.resolve("innocent"), home);
    AllowedRoots r = AllowedRoots.ofOperator(List.of(link));
    assertThrows(IllegalArgumentException.class, () -> r.requireOperatorRootsOutsideHome(home));
  }

  @Test
  void requireOperatorRootsOutsideHome_rootHoldingTheHome_allowed() throws Exception {
    Path home = Files.createDirectories(tmp.resolve("home"));
    AllowedRoots.ofOperator(List.of(tmp)).requireOperatorRootsOutsideHome(home); // the home is carved out instead
    AllowedRoots.parseSetting(null).requireOperatorRootsOutsideHome(home);
  }

  @Test
  void withClientRootUris_fileUris_becomeClientRoots() {
    AllowedRoots r = AllowedRoots.parseSetting("/srv").withClientRootUris(List.of("file:///home/me/proj",
        "file:///home/me/with%20space", "https://example.com/x", "not a uri"));
    assertEquals(Optional.of(List.of(Path.of("/home/me/proj"), Path.of("/home/me/with space"))), r.clientRoots());
    assertEquals(Optional.of(List.of(Path.of("/srv"))), r.operatorRoots());
    assertEquals(2, AllowedRoots.unusableRootUris(List.of("file:///a", "https://x", "file:relative")));
  }

  @Test
  void withClientRootUris_noneOffered_operatorAlone() {
    AllowedRoots r = AllowedRoots.parseSetting("/srv").withClientRootUris(List.of());
    assertEquals(Optional.empty(), r.clientRoots());
    assertFalse(r.allowsNothing());
    assertEquals("IPFS_KIT_ALLOWED_ROOTS [/srv]", r.describe());
  }

  @Test
  void withClientRootUris_onlyUnusableOffered_allowsNothingRatherThanFallingBack() {
    AllowedRoots r = AllowedRoots.parseSetting("/srv").withClientRootUris(List.of("https://example.com/x"));
    assertTrue(r.allowsNothing());
  }

  @Test
  void describe_eachCombination_saysWhatIsInForce() {
    assertEquals("none (path arguments are refused; set IPFS_KIT_ALLOWED_ROOTS or offer MCP roots from the client)",
        AllowedRoots.none().describe());
    assertEquals("client roots [/a]", AllowedRoots.none().withClientRoots(List.of(Path.of("/a"))).describe());
    assertEquals("client roots [/a] intersected with IPFS_KIT_ALLOWED_ROOTS [/b]",
        AllowedRoots.parseSetting("/b").withClientRoots(List.of(Path.of("/a"))).describe());
  }

  @Test
  void toJson_roundTrip_equal() {
    for (AllowedRoots r : List.of(AllowedRoots.none(), AllowedRoots.parseSetting("/a:/b"),
        AllowedRoots.parseSetting("/a").withClientRoots(List.of(Path.of("/a/x"))),
        AllowedRoots.parseSetting("/a").withClientRootUris(List.of("https://unusable")))) {
      assertEquals(r, AllowedRoots.fromJson(r.toJson(), "roots"));
    }
  }

  @Test
  void fromJson_relativePath_refusedNamingTheField() {
    var json = AllowedRoots.parseSetting("/a").toJson();
    ((tools.jackson.databind.node.ArrayNode) json.get("operator")).add("relative");
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> AllowedRoots.fromJson(json, "roots"));
    assertEquals("roots.operator[1] must be an absolute path", e.getMessage());
  }
}
