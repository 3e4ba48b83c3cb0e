package io.ipfskit.server.testing;

import static org.junit.jupiter.api.Assertions.fail;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * A test client for the packaged server: spawns {@code java -jar <ipfskit.jar> serve} as a child
 * process with its own {@code IPFS_KIT_HOME} and speaks newline-delimited JSON-RPC over its
 * stdin/stdout, like an agent host.
 *
 * <p>A reader thread takes every stdout line; a line that is not a JSON object is recorded and
 * makes {@link #assertOnlyJsonOnStdout()} (and {@link #close()}) fail, because stdout must carry
 * nothing but JSON-RPC. stderr goes to {@code <home>/../<name>.stderr.log}, see {@link #stderr()}.
 * Responses may arrive in any order: {@link #request} waits for its own id and keeps the others.
 *
 * <p>Usage: {@code try (StdioClient c = StdioClient.start(home)) { c.initialize(); ... }}.
 * Waits are bounded ({@link #DEFAULT_TIMEOUT}); nothing sleeps.
 */
public final class StdioClient implements AutoCloseable {

  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);
  public static final JsonMapper JSON = JsonMapper.builder().build();
  /** The server's switch for per-call output-schema validation (LazySchemaValidator). */
  public static final String VALIDATE_OUTPUT = "ipfskit.validateStructuredOutput";
  private static final JsonNode END = JSON.createObjectNode().put("__end__", true);

  private final Process process;
  private final OutputStream stdin;
  private final Path stderrFile;
  private final BlockingQueue<JsonNode> messages = new LinkedBlockingQueue<>();
  private final List<JsonNode> unclaimed = new ArrayList<>();
  private final List<String> nonJsonLines = java.util.Collections.synchronizedList(new ArrayList<>());
  private final AtomicLong nextId = new AtomicLong(1);
  private final Thread reader;
  private volatile boolean destroying;
  private boolean stdinClosed;

  private StdioClient(Process process, Path stderrFile) {
    this.process = process;
    this.stdin = process.getOutputStream();
    this.stderrFile = stderrFile;
    this.reader = new Thread(this::readStdout, "stdio-client-reader");
    this.reader.setDaemon(true);
    this.reader.start();
  }

  /** The packaged jar under test (system property {@code ipfskit.jar}, set by failsafe). */
  public static Path jar() {
    String jar = System.getProperty("ipfskit.jar");
    if (jar == null || !Files.isRegularFile(Path.of(jar))) {
      throw new IllegalStateException("system property ipfskit.jar must name the packaged jar, but was " + jar
          + "; run the ITs with 'mvn verify' (failsafe sets it)");
    }
    return Path.of(jar);
  }

  /** Starts {@code serve} with {@code IPFS_KIT_HOME=home} and no other IPFS_KIT_* variable. */
  public static StdioClient start(Path home) throws IOException {
    return start(home, Map.of());
  }

  /** Starts {@code serve} with {@code IPFS_KIT_HOME=home} plus {@code env}. */
  public static StdioClient start(Path home, Map<String, String> env, String... extraArgs) throws IOException {
    return start(home, home.resolveSibling(home.getFileName() + ".stderr.log"), env, extraArgs);
  }

  /** Like {@link #start(Path, Map, String...)} with stderr in {@code stderrFile}: for several servers on one home. */
  public static StdioClient start(Path home, Path stderrFile, Map<String, String> env, String... extraArgs)
      throws IOException {
    // Every structured result the ITs see is checked against its tool's output schema (off in
    // production: LazySchemaValidator); a mismatch comes back as an isError result.
    List<String> command = new ArrayList<>(List.of(javaExecutable(), "-D" + VALIDATE_OUTPUT + "=true", "-jar",
        jar().toString(), "serve"));
    command.addAll(List.of(extraArgs));
    ProcessBuilder builder = new ProcessBuilder(command);
    builder.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    builder.environment().put("IPFS_KIT_HOME", home.toString());
    builder.environment().putAll(env);
    builder.redirectError(stderrFile.toFile());
    return new StdioClient(builder.start(), stderrFile);
  }

  /**
   * Starts {@code command} (e.g. the {@code ./ipfs-kit} launcher with {@code serve}) as the server, in
   * {@code workingDirectory}, with no IPFS_KIT_* variable but those in {@code env}.
   */
  public static StdioClient startCommand(List<String> command, Path workingDirectory, Map<String, String> env,
      Path stderrFile) throws IOException {
    ProcessBuilder builder = new ProcessBuilder(command).directory(workingDirectory.toFile());
    builder.environment().keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
    builder.environment().putAll(env);
    builder.redirectError(stderrFile.toFile());
    return new StdioClient(builder.start(), stderrFile);
  }

  public static String javaExecutable() {
    return ProcessHandle.current().info().command().orElse("java");
  }

  /** Sends {@code initialize} then {@code notifications/initialized}; returns the initialize result. */
  public JsonNode initialize() throws IOException {
    Map<String, Object> params = new LinkedHashMap<>();
    params.put("protocolVersion", "2025-06-18");
    params.put("capabilities", Map.of());
    params.put("clientInfo", Map.of("name", "ipfs-kit-test", "version", "1"));
    JsonNode response = request("initialize", params);
    if (!response.has("result")) {
      fail("initialize failed: " + response);
    }
    notify("notifications/initialized", null);
    return response.get("result");
  }

  /** Sends a request and returns the whole response message (with result or error). */
  public JsonNode request(String method, Object params) throws IOException {
    long id = nextId.getAndIncrement();
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("id", id);
    message.put("method", method);
    if (params != null) {
      message.put("params", params);
    }
    sendLine(JSON.writeValueAsString(message));
    return awaitResponse(JSON.getNodeFactory().numberNode(id), DEFAULT_TIMEOUT);
  }

  /** Calls a tool and returns its {@code result} (fails the test on a JSON-RPC error). */
  public JsonNode callTool(String name, Map<String, Object> arguments) throws IOException {
    JsonNode response = request("tools/call", Map.of("name", name, "arguments", arguments));
    if (!response.has("result")) {
      fail("tools/call " + name + " returned a JSON-RPC error instead of a result: " + response);
    }
    return response.get("result");
  }

  public void notify(String method, Object params) throws IOException {
    Map<String, Object> message = new LinkedHashMap<>();
    message.put("jsonrpc", "2.0");
    message.put("method", method);
    if (params != null) {
      message.put("params", params);
    }
    sendLine(JSON.writeValueAsString(message));
  }

  /** Writes {@code line} and a newline as they are: for junk and hand-made messages. */
  public void sendLine(String line) throws IOException {
    stdin.write((line + "\n").getBytes(StandardCharsets.UTF_8));
    stdin.flush();
  }

  /** The next message whose id equals {@code id} (JSON null for id-less errors). */
  public JsonNode awaitResponse(JsonNode id, Duration timeout) {
    synchronized (unclaimed) {
      for (Iterator<JsonNode> it = unclaimed.iterator(); it.hasNext(); ) {
        JsonNode message = it.next();
        if (sameId(id, message.get("id"))) {
          it.remove();
          return message;
        }
      }
    }
    long deadline = System.nanoTime() + timeout.toNanos();
    while (true) {
      JsonNode message = poll(deadline, "a response with id " + id);
      if (sameId(id, message.get("id"))) {
        return message;
      }
      synchronized (unclaimed) {
        unclaimed.add(message);
      }
    }
  }

  /** JSON-RPC ids compare by value: 7 read back as an int equals 7 sent as a long. */
  private static boolean sameId(JsonNode expected, JsonNode actual) {
    if (actual == null) {
      return false;
    }
    if (expected.isIntegralNumber() && actual.isIntegralNumber()) {
      return expected.longValue() == actual.longValue();
    }
    return expected.equals(actual);
  }

  /** The next message with {@code "id": null}: how the server answers unparseable lines. */
  public JsonNode awaitNullIdResponse() {
    return awaitResponse(JSON.getNodeFactory().nullNode(), DEFAULT_TIMEOUT);
  }

  /** Closes the server's stdin and waits for it to exit; returns the exit code. */
  public int closeStdinAndWait(Duration timeout) throws IOException, InterruptedException {
    if (!stdinClosed) {
      stdinClosed = true;
      stdin.close();
    }
    if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
      process.destroyForcibly();
      fail("server did not exit within " + timeout + " after stdin closed; stderr:\n" + stderr());
    }
    reader.join(timeout.toMillis());
    return process.exitValue();
  }

  /** Every message received so far and not yet claimed by a request, after the server exited. */
  public List<JsonNode> drainUnclaimed() {
    List<JsonNode> all = new ArrayList<>();
    synchronized (unclaimed) {
      all.addAll(unclaimed);
      unclaimed.clear();
    }
    for (JsonNode m; (m = messages.poll()) != null; ) {
      if (m != END) {
        all.add(m);
      }
    }
    return all;
  }

  public void assertOnlyJsonOnStdout() {
    if (!nonJsonLines.isEmpty()) {
      fail("stdout carried " + nonJsonLines.size() + " line(s) that are not JSON objects, first: "
          + nonJsonLines.get(0));
    }
  }

  /** Kills the server with SIGKILL (no shutdown hooks, nothing cleaned up) and waits until it is gone. */
  public void kill() throws InterruptedException {
    destroying = true;
    process.destroyForcibly();
    if (!process.waitFor(DEFAULT_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS)) {
      fail("server did not die within " + DEFAULT_TIMEOUT + " of SIGKILL");
    }
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  public String stderr() {
    try {
      return Files.exists(stderrFile) ? Files.readString(stderrFile) : "";
    } catch (IOException e) {
      return "(cannot read stderr: " + e + ")";
    }
  }

  /** Closes stdin, waits for the exit and checks stdout held only JSON; kills the child if needed. */
  @Override
  public void close() throws IOException, InterruptedException {
    try {
      if (process.isAlive()) {
        closeStdinAndWait(DEFAULT_TIMEOUT);
      } else {
        reader.join(DEFAULT_TIMEOUT.toMillis()); // let it drain what the exited server wrote
      }
    } finally {
      // Process.destroy* also closes our end of its pipes, exited or not: a read still in progress
      // then fails with "Stream closed", which is our doing, not something the server wrote.
      destroying = true;
      process.destroyForcibly();
    }
    assertOnlyJsonOnStdout();
  }

  private JsonNode poll(long deadlineNanos, String what) {
    try {
      JsonNode message = messages.poll(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
      if (message == null) {
        fail("no " + what + " within " + DEFAULT_TIMEOUT + "; server alive=" + process.isAlive() + "; stderr:\n" + stderr());
      }
      if (message == END) {
        messages.add(END);
        fail("server closed stdout while waiting for " + what + "; stderr:\n" + stderr());
      }
      return message;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException("interrupted while waiting for " + what, e);
    }
  }

  private void readStdout() {
    try (BufferedReader out = new BufferedReader(new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
      for (String line = out.readLine(); line != null; line = out.readLine()) {
        JsonNode node;
        try {
          node = JSON.readTree(line);
        } catch (RuntimeException e) {
          nonJsonLines.add(line);
          continue;
        }
        if (node == null || !node.isObject()) {
          nonJsonLines.add(line);
          continue;
        }
        messages.add(node);
      }
    } catch (IOException e) {
      if (!destroying) nonJsonLines.add("(reading stdout failed: " + e + ")");
    } finally {
      messages.add(END);
    }
  }
}
