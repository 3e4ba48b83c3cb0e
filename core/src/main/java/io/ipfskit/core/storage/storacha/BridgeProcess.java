package io.ipfskit.core.storage.storacha;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ipfskit.core.storage.StorageException;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ObjectNode;

/**
 * One {@code node bridge.mjs} child process speaking the bridge protocol (newline-delimited JSON on
 * stdin/stdout, see {@code STORACHA-BRIDGE.md}), started on first use and again after it dies.
 *
 * <p><b>Calls.</b> {@link #call} gives each request a fresh id, registers a future under it, writes
 * the line and waits up to its own timeout; the reader thread completes the future whose id the
 * answer carries, so calls from many threads are pipelined and answers may come in any order. A
 * call that times out is forgotten (its late answer is dropped): for an add, the upload may still
 * complete in the service, which is harmless since adding the same bytes again gives the same root.
 *
 * <p><b>Start.</b> Under {@link #startLock}: install the bridge ({@link Installer}), spawn Node in
 * the install folder, wait for {@code {"ready":true}}, then send {@code init} with the key and proof
 * the {@link InitMessage} reads from the vault. The key and proof travel only in that stdin line:
 * never in the command line or the environment (every {@code IPFS_KIT_*} variable, such as the vault
 * password, is removed from the child's environment too), and the init request is never logged.
 * A failed init leaves the process running but not initialised: the next call tries init again (the
 * vault may have been fixed).
 *
 * <p><b>Death.</b> When stdout ends (the process exited or was killed), the reader fails every
 * pending call TRANSIENT and marks the process dead; the next call starts a new one. stderr lines
 * go to SLF4J ({@link StorachaErrors#scrub scrubbed}): the bridge's failure lines and the stack trace
 * after them at WARN, the rest at INFO ({@link #isWarning}). {@link #close()} closes stdin (the bridge
 * exits on EOF), waits briefly, then destroys the process.
 *
 * <p>Thread-safe: {@code current} is swapped only under {@link #startLock}; writes to stdin are
 * serialised on the running process's {@code writeLock}; pending calls live in a concurrent map.
 */
final class BridgeProcess implements AutoCloseable {
  private static final Logger LOG = LoggerFactory.getLogger(BridgeProcess.class);
  private static final Logger BRIDGE_LOG = LoggerFactory.getLogger("io.ipfskit.core.storage.storacha.bridge");
  static final JsonMapper JSON = JsonMapper.builder().build();
  private static final Duration STOP_WAIT = Duration.ofSeconds(3);

  /** Where the installed bridge is (install on first call). */
  @FunctionalInterface
  interface Installer {
    Path folder() throws StorageException;
  }

  /** Builds the {@code init} request's fields (endpoint, serviceDid, space, key, proof), reading the vault. */
  @FunctionalInterface
  interface InitMessage {
    ObjectNode fields() throws StorageException;
  }

  private final Installer installer;
  private final String node;
  private final InitMessage init;
  private final Duration startTimeout;
  private final AtomicLong ids = new AtomicLong();
  private final Object startLock = new Object();
  private volatile Running current; // swapped under startLock
  private volatile boolean closed;

  BridgeProcess(Installer installer, String node, InitMessage init, Duration startTimeout) {
    this.installer = installer;
    this.node = node;
    this.init = init;
    this.startTimeout = startTimeout;
  }

  /**
   * Sends {@code {"id":…,"op":op, …fields}} and returns the {@code ok:true} answer.
   *
   * @throws StorageException the bridge's failure classified by {@link StorachaErrors}; TRANSIENT when
   *     the process died, did not answer within {@code timeout} or could not be started
   */
  JsonNode call(String op, ObjectNode fields, Duration timeout, String service, String cidOrNull)
      throws StorageException {
    Running r = running(service);
    return r.request(op, fields, timeout, service, cidOrNull);
  }

  /** The process id of the running bridge, if one runs (tests). */
  java.util.OptionalLong pid() {
    Running r = current;
    return r != null && r.process.isAlive() ? java.util.OptionalLong.of(r.process.pid())
        : java.util.OptionalLong.empty();
  }

  private Running running(String service) throws StorageException {
    Running r = current;
    if (r != null && r.alive() && r.initialized) return r;
    synchronized (startLock) {
      if (closed) throw StorachaErrors.bridgeFailure("call", "the storacha backend is closed", null);
      r = current;
      if (r == null || !r.alive()) {
        if (r != null) r.stop();
        r = start();
        current = r;
      }
      if (!r.initialized) {
        ObjectNode fields = init.fields();
        r.request("init", fields, startTimeout, service, null);
        r.initialized = true;
      }
      return r;
    }
  }

  private Running start() throws StorageException {
    Path dir = installer.folder();
    ProcessBuilder pb = new ProcessBuilder(List.of(node, dir.resolve(BridgeInstall.SCRIPT).toString()))
        .directory(dir.toFile());
    stripKitVariables(pb.environment());
    Process p;
    try {
      p = pb.start();
    } catch (IOException e) {
      throw StorachaErrors.bridgeFailure("start", "cannot start the bridge with IPFS_KIT_STORACHA_NODE ('" + node
          + "'): " + e.getMessage(), e);
    }
    Running r = new Running(p);
    try {
      r.ready.get(startTimeout.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException | ExecutionException e) {
      r.stop();
      throw StorachaErrors.bridgeFailure("start", "the bridge (pid " + p.pid() + ") did not say ready within "
          + startTimeout.toSeconds() + " s" + (e instanceof ExecutionException ? ": " + e.getCause().getMessage() : ""),
          null);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      r.stop();
      throw StorachaErrors.bridgeFailure("start", "interrupted while waiting for the bridge", e);
    }
    LOG.info("storacha bridge started (pid {}): {}", p.pid(), r.readyLine);
    return r;
  }

  /** How the bridge starts each of its own stderr lines ({@code log()} in bridge.mjs). */
  static final String LOG_PREFIX = "[storacha-bridge] ";
  /** The bridge's own lines that report a failure: a failed request, an uncaught error, an unhandled rejection. */
  private static final Pattern FAILURE_LINE = Pattern.compile(
      Pattern.quote(LOG_PREFIX) + "(?:\\S{1,20} #\\S+ failed: |uncaught: |unhandled rejection: ).*");

  /**
   * Whether a bridge stderr line is logged at WARN: a line the bridge starts ({@link #LOG_PREFIX}) is
   * WARN when it reports a failure, else INFO; any other line continues the bridge line before it (the
   * stack trace and causes the bridge prints after a failure) and keeps its level.
   *
   * @param previousWarn the level of the line before ({@code false} for the first line)
   */
  static boolean isWarning(boolean previousWarn, String line) {
    return line.startsWith(LOG_PREFIX) ? FAILURE_LINE.matcher(line).matches() : previousWarn;
  }

  /** Removes every {@code IPFS_KIT_*} variable (e.g. the vault's master password) from a child's environment. */
  static void stripKitVariables(Map<String, String> env) {
    env.keySet().removeIf(k -> k.startsWith("IPFS_KIT_"));
  }

  @Override
  public void close() {
    Running r;
    synchronized (startLock) {
      closed = true;
      r = current;
      current = null;
    }
    if (r != null) r.stop();
  }

  /** One spawned process: its stdin writer, pending calls, and reader threads. */
  private final class Running {
    final Process process;
    final OutputStream stdin;
    final Object writeLock = new Object();
    final Map<Long, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    final CompletableFuture<Void> ready = new CompletableFuture<>();
    volatile String readyLine = "";
    volatile boolean dead;
    volatile boolean initialized;

    Running(Process process) {
      this.process = process;
      this.stdin = process.getOutputStream();
      Thread out = new Thread(this::readAnswers, "storacha-bridge-" + process.pid() + "-out");
      out.setDaemon(true);
      out.start();
      Thread err = new Thread(this::readLog, "storacha-bridge-" + process.pid() + "-err");
      err.setDaemon(true);
      err.start();
    }

    boolean alive() {
      return !dead && process.isAlive();
    }

    JsonNode request(String op, ObjectNode fields, Duration timeout, String service, String cidOrNull)
        throws StorageException {
      long id = ids.incrementAndGet();
      ObjectNode req = JSON.createObjectNode();
      req.put("id", id);
      req.put("op", op);
      req.setAll(fields);
      CompletableFuture<JsonNode> answer = new CompletableFuture<>();
      pending.put(id, answer);
      try {
        if (dead) throw StorachaErrors.bridgeFailure(op, "the bridge process has exited", null);
        byte[] line = (JSON.writeValueAsString(req) + "\n").getBytes(UTF_8);
        synchronized (writeLock) {
          stdin.write(line);
          stdin.flush();
        }
        JsonNode a = answer.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
        if (a.path("ok").asBoolean(false)) return a;
        throw StorachaErrors.fromBridge(op, service, a.path("kind").asString(""), a.path("code").asString(""),
            a.path("message").asString(""), cidOrNull);
      } catch (IOException e) {
        if (e instanceof StorageException se) throw se;
        dead = true;
        throw StorachaErrors.bridgeFailure(op, "writing to the bridge (pid " + process.pid() + ") failed: "
            + e.getClass().getSimpleName(), null);
      } catch (TimeoutException e) {
        throw StorachaErrors.bridgeFailure(op, "no answer from the bridge within " + timeout.toSeconds() + " s"
            + (cidOrNull != null ? " for " + cidOrNull : "") + " (service " + service + ")", null);
      } catch (ExecutionException e) {
        throw StorachaErrors.bridgeFailure(op, e.getCause().getMessage(), null);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        throw StorachaErrors.bridgeFailure(op, "interrupted while waiting for the bridge", e);
      } finally {
        pending.remove(id);
      }
    }

    private void readAnswers() {
      String why = "its output ended";
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getInputStream(), UTF_8))) {
        String line;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) continue;
          JsonNode a;
          try {
            a = JSON.readTree(line);
          } catch (JacksonException e) {
            BRIDGE_LOG.warn("storacha bridge (pid {}) wrote a line that is not JSON: {}", process.pid(),
                StorachaErrors.scrub(line.length() > 200 ? line.substring(0, 200) : line));
            continue;
          }
          if (a.path("ready").asBoolean(false)) {
            readyLine = "bridge protocol " + a.path("bridge").asString("?") + ", @storacha/client "
                + a.path("client").asString("?");
            ready.complete(null);
            continue;
          }
          CompletableFuture<JsonNode> f = a.has("id") ? pending.get(a.path("id").asLong(-1)) : null;
          if (f != null) f.complete(a);
        }
      } catch (IOException e) {
        why = "reading its output failed: " + e.getClass().getSimpleName();
      }
      dead = true;
      String exit;
      try {
        exit = process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS) ? "exit " + process.exitValue()
            : "still running";
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        exit = "unknown exit";
      }
      String message = "the bridge process (pid " + process.pid() + ") stopped: " + why + " (" + exit + ")";
      if (!closed) LOG.warn("storacha {}; the next call starts a new one", message);
      IllegalStateException gone = new IllegalStateException(message);
      ready.completeExceptionally(gone);
      for (CompletableFuture<JsonNode> f : new ArrayList<>(pending.values())) f.completeExceptionally(gone);
    }

    private void readLog() {
      try (BufferedReader in = new BufferedReader(new InputStreamReader(process.getErrorStream(), UTF_8))) {
        String line;
        boolean warn = false;
        while ((line = in.readLine()) != null) {
          if (line.isBlank()) continue;
          warn = isWarning(warn, line);
          if (warn) BRIDGE_LOG.warn("[pid {}] {}", process.pid(), StorachaErrors.scrub(line));
          else BRIDGE_LOG.info("[pid {}] {}", process.pid(), StorachaErrors.scrub(line));
        }
      } catch (IOException e) {
        // the process is gone; readAnswers reports it
      }
    }

    void stop() {
      dead = true;
      try {
        stdin.close(); // EOF: the bridge exits 0
      } catch (IOException e) {
        // already closed or the process is gone
      }
      try {
        if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
          process.destroy();
          if (!process.waitFor(STOP_WAIT.toMillis(), TimeUnit.MILLISECONDS)) process.destroyForcibly();
        }
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        process.destroyForcibly();
      }
    }
  }
}
