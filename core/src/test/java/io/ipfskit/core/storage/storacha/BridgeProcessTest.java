package io.ipfskit.core.storage.storacha;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@link BridgeProcess} against a real Node process speaking the bridge protocol ({@code
 * protocol-bridge.mjs}, no Storacha behind it): ids, pipelining, timeouts, death and restart, and
 * where the secrets go. The real bridge is exercised by the server's StorachaBackendIT.
 */
@Timeout(60)
class BridgeProcessTest {
  static final String KEY = "MgCYsecretAgentKeyThatMustNeverLeaveTheInitLine0123456789abcdefghij=";
  static final String PROOF = "mAYIEAsecretProofThatMustNeverLeaveTheInitLine";
  static final Duration CALL = Duration.ofSeconds(20);

  @TempDir Path dir;
  final AtomicInteger initsSent = new AtomicInteger();
  final AtomicReference<StorageException> initFailure = new AtomicReference<>();
  BridgeProcess bridge;

  @BeforeEach
  void start() throws IOException {
    try (InputStream in = getClass().getResourceAsStream("protocol-bridge.mjs")) {
      Files.write(dir.resolve(BridgeInstall.SCRIPT), in.readAllBytes());
    }
    bridge = new BridgeProcess(() -> dir, "node", () -> {
      StorageException f = initFailure.get();
      if (f != null) throw f;
      initsSent.incrementAndGet();
      ObjectNode n = BridgeProcess.JSON.createObjectNode();
      n.put("space", "did:key:zSpace");
      n.put("key", KEY);
      n.put("proof", PROOF);
      return n;
    }, CALL);
  }

  @AfterEach
  void stop() {
    bridge.close();
  }

  private JsonNode call(String op, String... kv) throws StorageException {
    return call(op, CALL, kv);
  }

  private JsonNode call(String op, Duration timeout, String... kv) throws StorageException {
    ObjectNode f = BridgeProcess.JSON.createObjectNode();
    for (int i = 0; i < kv.length; i += 2) f.put(kv[i], kv[i + 1]);
    return bridge.call(op, f, timeout, "http://service", null);
  }

  @Test
  void call_firstUse_startsInitsOnceAndAnswers() throws Exception {
    assertEquals("a", call("echo", "value", "a").path("value").asString());
    assertEquals("b", call("echo", "value", "b").path("value").asString());
    assertEquals(1, call("echo", "value", "c").path("inits").asInt());
    assertEquals(1, initsSent.get());
  }

  @Test
  void call_pipelined_laterAnswerDoesNotWaitForEarlierCall() throws Exception {
    call("echo", "value", "warm");
    CompletableFuture<JsonNode> held = CompletableFuture.supplyAsync(() -> {
      try {
        return call("hold");
      } catch (StorageException e) {
        throw new IllegalStateException(e);
      }
    });
    // 'hold' is answered only after 'release' is: serialised calls would time out here.
    JsonNode release = null;
    while (release == null) {
      release = call("release");
      if (!held.isDone()) {
        try {
          held.get(200, TimeUnit.MILLISECONDS);
        } catch (java.util.concurrent.TimeoutException notYetSent) {
          release = null; // 'hold' had not reached the bridge before this 'release': try again
        }
      }
    }
    assertEquals("released", held.get(CALL.toSeconds(), TimeUnit.SECONDS).path("value").asString());
  }

  @Test
  void call_noAnswerInTime_transientNamingTheWait() throws Exception {
    StorageException e = assertThrows(StorageException.class, () -> call("silent", Duration.ofMillis(300)));
    assertEquals(StorageErrorClass.TRANSIENT, e.errorClass());
    assertEquals("storacha silent: no answer from the bridge within 0 s (service http://service)", e.getMessage());
    assertEquals("still", call("echo", "value", "still").path("value").asString());
  }

  @Test
  void call_bridgeAnswersFailure_classified() {
    StorageException e = assertThrows(StorageException.class,
        () -> call("fail", "kind", "permanent", "code", "Unauthorized", "message", "delegation revoked"));
    assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
    assertTrue(e.getMessage().startsWith("storacha fail at http://service failed (Unauthorized): delegation revoked"));
  }

  @Test
  void call_processDies_pendingFailsTransientNextCallRestartsAndInitsAgain() throws Exception {
    long first = call("echo", "value", "x").path("pid").asLong();
    StorageException e = assertThrows(StorageException.class, () -> call("exit"));
    assertEquals(StorageErrorClass.TRANSIENT, e.errorClass());
    assertTrue(e.getMessage().contains("the bridge process (pid " + first + ") stopped"), e.getMessage());
    JsonNode after = call("echo", "value", "y");
    assertNotEquals(first, after.path("pid").asLong());
    assertEquals(1, after.path("inits").asInt());
    assertEquals(2, initsSent.get());
  }

  @Test
  void call_processKilledFromOutside_nextCallRestarts() throws Exception {
    long first = call("echo", "value", "x").path("pid").asLong();
    ProcessHandle.of(first).orElseThrow().destroyForcibly();
    ProcessHandle.of(first).ifPresent(p -> p.onExit().join());
    JsonNode after = call("echo", "value", "y");
    assertNotEquals(first, after.path("pid").asLong());
  }

  @Test
  void call_initCannotReadVault_failsThenWorksOnceFixed() throws Exception {
    initFailure.set(new StorageException("vault locked", StorageErrorClass.UNAVAILABLE));
    StorageException e = assertThrows(StorageException.class, () -> call("echo", "value", "x"));
    assertEquals("vault locked", e.getMessage());
    initFailure.set(null);
    assertEquals("x", call("echo", "value", "x").path("value").asString());
  }

  @Test
  void secrets_neitherInArgumentsNorEnvironmentOfTheProcess() throws Exception {
    long pid = call("echo", "value", "x").path("pid").asLong();
    String cmdline = Files.readString(Path.of("/proc/" + pid + "/cmdline"), UTF_8);
    String environ = Files.readString(Path.of("/proc/" + pid + "/environ"), UTF_8);
    assertTrue(cmdline.contains("bridge.mjs"), cmdline);
    for (String secret : new String[] {KEY, PROOF}) {
      assertFalse(cmdline.contains(secret));
      assertFalse(environ.contains(secret));
    }
    assertFalse(environ.contains("IPFS_KIT_"));
  }

  @Test
  void close_stopsTheProcessAndRefusesCalls() throws Exception {
    long pid = call("echo", "value", "x").path("pid").asLong();
    bridge.close();
    ProcessHandle.of(pid).ifPresent(p -> p.onExit().join());
    assertFalse(ProcessHandle.of(pid).map(ProcessHandle::isAlive).orElse(false));
    StorageException e = assertThrows(StorageException.class, () -> call("echo", "value", "y"));
    assertEquals("storacha call: the storacha backend is closed", e.getMessage());
  }

  @Test
  void isWarning_bridgeFailureAndItsStack_warnOtherLinesInfo() {
    // Lines as bridge.mjs writes them: log() prefixes its own lines; a failure's stack follows unprefixed.
    String[] lines = {
        "[storacha-bridge] ready",
        "[storacha-bridge] add #7 failed: permanent Unauthorized: delegation revoked",
        "Error: delegation revoked",
        "    at Object.handle (file:///bridge.mjs:120:11)",
        "caused by: Unauthorized",
        "[storacha-bridge] init done for space did:key:zSpace",
        "some library's console output",
        "[storacha-bridge] uncaught: TypeError: x is undefined",
        "[storacha-bridge] unhandled rejection: fetch failed",
        "[storacha-bridge] list #8 answered 3 uploads (nothing failed: words after the op are not 'failed:')",
    };
    boolean[] expected = {false, true, true, true, true, false, false, true, true, false};
    boolean warn = false;
    for (int i = 0; i < lines.length; i++) {
      warn = BridgeProcess.isWarning(warn, lines[i]);
      assertEquals(expected[i], warn, lines[i]);
    }
  }

  /** The bridge's stderr as logged (slf4j-simple writes to the current System.err), polled with a bound. */
  @Test
  void stderr_failureLine_loggedAtWarnScrubbedOtherLinesInfo() throws Exception {
    java.io.PrintStream original = System.err;
    java.io.ByteArrayOutputStream captured = new java.io.ByteArrayOutputStream();
    System.setErr(new java.io.PrintStream(new java.io.OutputStream() {
      @Override
      public void write(int b) {
        original.write(b);
        captured.write(b);
      }

      @Override
      public void write(byte[] b, int off, int len) {
        original.write(b, off, len);
        captured.write(b, off, len);
      }
    }, true, UTF_8));
    try {
      long pid = call("echo", "value", "x").path("pid").asLong();
      call("log", "text", "[storacha-bridge] add #7 failed: permanent Unauthorized: key " + KEY + "\n"
          + "Error: revoked\n    at handle (bridge.mjs:1:1)\n[storacha-bridge] list #8 answered");
      String last = "[pid " + pid + "] [storacha-bridge] list #8 answered";
      long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
      String out = "";
      while (!out.contains(last) && System.nanoTime() < deadline) {
        java.util.concurrent.locks.LockSupport.parkNanos(Duration.ofMillis(5).toNanos());
        out = captured.toString(UTF_8); // ByteArrayOutputStream is synchronized
      }
      java.util.List<String> bridgeLines = out.lines().filter(l -> l.contains("[pid " + pid + "]")).toList();
      String failed = line(bridgeLines, "add #7 failed");
      assertTrue(failed.contains(" WARN ") && failed.contains("[redacted]") && !failed.contains(KEY), failed);
      assertTrue(line(bridgeLines, "at handle (bridge.mjs").contains(" WARN "), bridgeLines.toString());
      assertTrue(line(bridgeLines, "list #8 answered").contains(" INFO "), bridgeLines.toString());
      assertTrue(line(bridgeLines, "init #1").contains(" INFO "), bridgeLines.toString());
    } finally {
      System.setErr(original);
    }
  }

  private static String line(java.util.List<String> lines, String containing) {
    return lines.stream().filter(l -> l.contains(containing)).findFirst()
        .orElseThrow(() -> new AssertionError("no logged line with '" + containing + "' in " + lines));
  }

  @Test
  void stripKitVariables_removesOnlyKitKeys() {
    java.util.Map<String, String> env = new java.util.HashMap<>(java.util.Map.of("IPFS_KIT_MASTER_PASSWORD", "pw",
        "PATH", "/bin", "HOME", "/root"));
    BridgeProcess.stripKitVariables(env);
    assertEquals(java.util.Map.of("PATH", "/bin", "HOME", "/root"), env);
  }
}
