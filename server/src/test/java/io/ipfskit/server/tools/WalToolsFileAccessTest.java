package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.files.AllowedRoots;
import io.ipfskit.server.KitConfig;
import io.ipfskit.server.wal.SharedWal;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.json.schema.jackson3.DefaultJsonSchemaValidator;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolRequest;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.TextContent;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * The file access check at the MCP edge, in-process on a real log and real files: every refusal is
 * an {@code isError} result naming the argument and the root rule, never file content, and nothing
 * is logged; an allowed path is queued with its grant in {@code params.file_access}.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class WalToolsFileAccessTest {
  private static final String SECRET = "TOP-SECRET-CONTENT";

  @TempDir Path base;
  private Path home;
  private Path allowed;
  private Path outside;
  private SharedWal wal;
  private final JsonSchemaValidator validator = new DefaultJsonSchemaValidator();

  @BeforeEach
  void open() throws Exception {
    base = base.toRealPath();
    home = base.resolve("home");
    allowed = Files.createDirectories(base.resolve("allowed"));
    outside = Files.createDirectories(base.resolve("outside"));
    Files.writeString(outside.resolve("secret.txt"), SECRET);
    Files.writeString(allowed.resolve("data.txt"), "inside the roots");
    wal = SharedWal.forHome(KitConfig.defaults(home), null);
  }

  @AfterEach
  void close() {
    wal.close();
  }

  /** The tools of a session whose operator roots are {@code roots} and whose working directory is {@link #allowed}. */
  private Map<String, SyncToolSpecification> tools(AllowedRoots roots) {
    Map<String, SyncToolSpecification> tools = new LinkedHashMap<>();
    for (SyncToolSpecification s : new WalTools(() -> wal, new SessionRoots(roots, home, allowed)).specifications())
      tools.put(s.tool().name(), s);
    return tools;
  }

  private Map<String, SyncToolSpecification> allowedOnly() {
    return tools(AllowedRoots.ofOperator(List.of(allowed)));
  }

  private CallToolResult call(Map<String, SyncToolSpecification> tools, String name, Map<String, Object> args) {
    SyncToolSpecification spec = tools.get(name);
    CallToolResult r = spec.callHandler().apply(null, new CallToolRequest(name, args));
    if (!Boolean.TRUE.equals(r.isError())) {
      JsonSchemaValidator.ValidationResponse v = validator.validate(spec.tool().outputSchema(), r.structuredContent());
      assertTrue(v.valid(), name + " output breaks its schema: " + v.errorMessage() + "\n" + r.structuredContent());
    }
    return r;
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> structured(CallToolResult r) {
    assertFalse(Boolean.TRUE.equals(r.isError()), () -> text(r));
    return (Map<String, Object>) r.structuredContent();
  }

  private static String text(CallToolResult r) {
    return ((TextContent) r.content().get(0)).text();
  }

  private long total(Map<String, SyncToolSpecification> tools) {
    return ((Number) structured(call(tools, "wal_status", Map.of())).get("total")).longValue();
  }

  private static Map<String, Object> add(String path) {
    return Map.of("operation_type", "add", "params", Map.of("path", path));
  }

  private static Map<String, Object> get(String cid, String destination, Boolean overwrite) {
    Map<String, Object> params = new HashMap<>();
    params.put("cid", cid);
    params.put("destination", destination);
    if (overwrite != null) params.put("overwrite", overwrite);
    return Map.of("operation_type", "get", "params", params);
  }

  /** The call is an error starting with {@code expectedStart}, showing no file content, and nothing was logged. */
  private String refused(Map<String, SyncToolSpecification> tools, Map<String, Object> args, String expectedStart) {
    CallToolResult r = call(tools, "wal_add_operation", args);
    assertTrue(Boolean.TRUE.equals(r.isError()), () -> "should be refused: " + r);
    assertTrue(text(r).startsWith(expectedStart), text(r));
    assertFalse(text(r).contains(SECRET), text(r));
    assertEquals(0, total(tools), "a refused operation is never logged");
    return text(r);
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> parameters(Map<String, Object> added) {
    return (Map<String, Object>) ((Map<String, Object>) added.get("operation")).get("parameters");
  }

  @SuppressWarnings("unchecked")
  private Map<String, Object> waitDone(Map<String, SyncToolSpecification> tools, String id) {
    Map<String, Object> w = structured(call(tools, "wal_wait_for_operation", Map.of("operation_id", id, "timeout", 30)));
    assertEquals("completed", w.get("status"), w::toString);
    return (Map<String, Object>) ((Map<String, Object>) w.get("operation")).get("result");
  }

  @Test
  @SuppressWarnings("unchecked")
  void addPath_insideRoots_queuedWithGrantAndStored() {
    Map<String, SyncToolSpecification> tools = allowedOnly();
    Map<String, Object> added = structured(call(tools, "wal_add_operation", add(allowed.resolve("data.txt").toString())));
    Map<String, Object> p = parameters(added);
    assertEquals(allowed.resolve("data.txt").toString(), p.get("path"));
    Map<String, Object> grant = (Map<String, Object>) p.get("file_access");
    assertEquals("params.path", grant.get("argument"));
    assertEquals(allowed.resolve("data.txt").toString(), grant.get("file"));
    assertEquals(List.of(allowed.toString()), ((Map<String, Object>) grant.get("roots")).get("operator"));
    Map<String, Object> result = waitDone(tools, (String) added.get("operation_id"));
    assertEquals(16, ((Number) result.get("size")).intValue());
  }

  @Test
  void addPath_relative_resolvesAgainstTheCallersWorkingDirectory() {
    Map<String, Object> added = structured(call(allowedOnly(), "wal_add_operation", add("data.txt")));
    assertEquals(allowed.resolve("data.txt").toString(), parameters(added).get("path"));
  }

  @Test
  void addPath_outsideRoots_refusedNamingArgumentAndRule() {
    String text = refused(allowedOnly(), add(outside.resolve("secret.txt").toString()),
        "invalid argument: params.path refused: its real location");
    assertTrue(text.contains("outside the allowed roots"), text);
  }

  @Test
  void addPath_dotDotEscape_refused() {
    refused(allowedOnly(), add(allowed + "/../outside/secret.txt"), "invalid argument: params.path refused: its real location");
  }

  @Test
  void addPath_relativeDotDotEscape_refused() {
    refused(allowedOnly(), add("../outside/secret.txt"), "invalid argument: params.path refused: its real location");
  }

  @Test
  void addPath_symlinkPointingOut_refused() throws Exception {
    Files.createSymbolicLink(allowed.resolve("link.txt"), outside.resolve("secret.txt"));
    refused(allowedOnly(), add(allowed.resolve("link.txt").toString()),
        "invalid argument: params.path refused: its real location");
  }

  @Test
  void addPath_symlinkFolderPointingOut_refused() throws Exception {
    Files.createSymbolicLink(allowed.resolve("dir"), outside);
    refused(allowedOnly(), add(allowed.resolve("dir/secret.txt").toString()),
        "invalid argument: params.path refused: its real location");
  }

  @Test
  void addPath_intoTheHome_refusedEvenWhenARootHoldsIt() throws Exception {
    Map<String, SyncToolSpecification> tools = tools(AllowedRoots.ofOperator(List.of(base)));
    Files.createDirectories(home.resolve("secrets"));
    Files.writeString(home.resolve("secrets/keyring.json"), SECRET);
    String text = refused(tools, add(home.resolve("secrets/keyring.json").toString()),
        "invalid argument: params.path refused: IPFS_KIT_HOME");
    assertTrue(text.contains("never reachable"), text);
  }

  @Test
  void addPath_procSelfEnviron_refusedWhateverTheRoots() {
    refused(tools(AllowedRoots.ofOperator(List.of(Path.of("/")))), add("/proc/self/environ"),
        "invalid argument: params.path refused: nothing under /proc, /sys or /dev");
  }

  @Test
  void addPath_folder_refusedAsNotARegularFile() {
    refused(allowedOnly(), add(allowed.toString()), "invalid argument: params.path refused: only regular files");
  }

  @Test
  void addPath_blank_refusedBeforeAnyResolution() {
    refused(allowedOnly(), add("   "), "invalid argument: params.path must be a non-blank path");
  }

  @Test
  void addPath_noRootsConfigured_refusedSayingHowToAllowAFolder_contentStillWorks() {
    Map<String, SyncToolSpecification> tools = tools(AllowedRoots.none());
    String text = refused(tools, add(allowed.resolve("data.txt").toString()),
        "invalid argument: params.path refused: no folder is allowed for file access");
    assertTrue(text.contains("add it to IPFS_KIT_ALLOWED_ROOTS"), text);
    assertTrue(text.contains("offer it as an MCP root"), text);

    Map<String, Object> added = structured(call(tools, "wal_add_operation",
        Map.of("operation_type", "add", "params", Map.of("content", "no roots needed"))));
    waitDone(tools, (String) added.get("operation_id"));
  }

  @Test
  void addPath_fileAccessSentByTheCaller_refusedAsUnknownKey() {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("path", allowed.resolve("data.txt").toString());
    params.put("file_access", Map.of("argument", "params.path", "file", outside.resolve("secret.txt").toString(),
        "anchor", outside.toString(), "roots", Map.of("operator", List.of("/"))));
    refused(allowedOnly(), Map.of("operation_type", "add", "params", params),
        "invalid argument: params.file_access is not an argument of operation_type add; it accepts content, path");
  }

  @Test
  void getDestination_existingFile_refusedWithoutOverwriteReplacedWithIt() throws Exception {
    Map<String, SyncToolSpecification> tools = allowedOnly();
    String id = (String) structured(call(tools, "wal_add_operation",
        Map.of("operation_type", "add", "params", Map.of("content", "new bytes")))).get("operation_id");
    String cid = (String) waitDone(tools, id).get("cid");
    Path dest = allowed.resolve("existing.txt");
    Files.writeString(dest, "old bytes");

    CallToolResult r = call(tools, "wal_add_operation", get(cid, dest.toString(), null));
    assertTrue(Boolean.TRUE.equals(r.isError()), r::toString);
    assertEquals("invalid argument: params.destination already exists; set overwrite to true to replace it", text(r));
    assertEquals("old bytes", Files.readString(dest));

    Map<String, Object> queued = structured(call(tools, "wal_add_operation", get(cid, dest.toString(), true)));
    assertEquals(true, parameters(queued).get("overwrite"));
    waitDone(tools, (String) queued.get("operation_id"));
    assertEquals("new bytes", Files.readString(dest, StandardCharsets.UTF_8));
  }

  @Test
  void getDestination_newFileInsideRoots_queuedWithWriteGrant() {
    Map<String, Object> queued = structured(call(allowedOnly(), "wal_add_operation",
        get("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", allowed.resolve("new.txt").toString(), null)));
    @SuppressWarnings("unchecked")
    Map<String, Object> grant = (Map<String, Object>) parameters(queued).get("file_access");
    assertEquals("params.destination", grant.get("argument"));
    assertEquals(allowed.toString(), grant.get("folder"));
    assertEquals("new.txt", grant.get("file_name"));
    assertEquals(false, grant.get("overwrite"));
  }

  @Test
  void getDestination_vaultKeyringInTheHome_refused() throws Exception {
    Files.createDirectories(home.resolve("secrets"));
    refused(tools(AllowedRoots.ofOperator(List.of(base))), get("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", home.resolve("secrets/keyring.json").toString(), true),
        "invalid argument: params.destination refused: IPFS_KIT_HOME");
  }

  @Test
  void getDestination_outsideRootsOrThroughSymlink_refused() throws Exception {
    Map<String, SyncToolSpecification> tools = allowedOnly();
    refused(tools, get("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", outside.resolve("x.txt").toString(), null),
        "invalid argument: params.destination refused: its real location");
    Files.createSymbolicLink(allowed.resolve("planted"), outside.resolve("secret.txt"));
    refused(tools, get("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", allowed.resolve("planted").toString(), true),
        "invalid argument: params.destination refused: it is a symbolic link");
    assertEquals(SECRET, Files.readString(outside.resolve("secret.txt")));
  }

  @Test
  void getDestination_blank_refused() {
    refused(allowedOnly(), get("bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "   ", null), "invalid argument: params.destination must be a non-blank path");
  }

  @Test
  void overwrite_withoutDestination_refused() {
    refused(allowedOnly(), Map.of("operation_type", "get", "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "overwrite", true)),
        "invalid argument: params.overwrite applies only with params.destination");
  }

  @Test
  void overwrite_notABoolean_refused() {
    refused(allowedOnly(), Map.of("operation_type", "get",
            "params", Map.of("cid", "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy", "destination", "n.txt", "overwrite", "yes")),
        "invalid argument: params.overwrite must be true or false, but was a string");
  }

  @Test
  @SuppressWarnings("unchecked")
  void health_showsTheRootsInForce() {
    Map<String, Object> fa = (Map<String, Object>) structured(call(allowedOnly(), "wal_health", Map.of())).get("file_access");
    assertEquals(List.of(allowed.toString()), fa.get("operator_roots"));
    assertEquals(false, fa.get("allows_nothing"));
    assertTrue(((String) fa.get("roots")).contains(allowed.toString()), fa::toString);

    Map<String, Object> none = (Map<String, Object>) structured(call(tools(AllowedRoots.none()), "wal_health", Map.of()))
        .get("file_access");
    assertEquals(true, none.get("allows_nothing"));
    assertFalse(none.containsKey("operator_roots"));
  }
}
