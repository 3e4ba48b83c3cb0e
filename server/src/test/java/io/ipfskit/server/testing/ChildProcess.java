package io.ipfskit.server.testing;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * A test server run as a separate process (js-ipfs, S3Proxy, a Node service): started with its
 * output going to a log file, ready when its TCP port accepts, stopped by PID (its descendants
 * first) in {@link #close()} and, should the test JVM die first, by a shutdown hook. Never leaves a
 * process behind for CI to trip over.
 */
public final class ChildProcess implements AutoCloseable {
  private final String name;
  private final Process process;
  private final Path log;
  private final Thread hook;

  private ChildProcess(String name, Process process, Path log) {
    this.name = name;
    this.process = process;
    this.log = log;
    this.hook = new Thread(this::kill, "stop-" + name);
    Runtime.getRuntime().addShutdownHook(hook);
  }

  /**
   * Starts {@code command} in {@code dir} with {@code env} added to this JVM's environment; stdout and
   * stderr go to {@code log}.
   */
  public static ChildProcess start(String name, List<String> command, Path dir, Map<String, String> env, Path log)
      throws IOException {
    Files.createDirectories(log.toAbsolutePath().getParent());
    ProcessBuilder pb = new ProcessBuilder(command).directory(dir.toFile()).redirectErrorStream(true)
        .redirectOutput(log.toFile());
    pb.environment().putAll(env);
    return new ChildProcess(name, pb.start(), log);
  }

  /** A TCP port free on 127.0.0.1 right now (the usual race with other processes is accepted in tests). */
  public static int freePort() throws IOException {
    try (ServerSocket s = new ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    }
  }

  /**
   * Waits until 127.0.0.1:{@code port} accepts a connection, polling every 100 ms up to {@code
   * timeout}; fails with the log's tail if the process exits or the time runs out.
   */
  public ChildProcess awaitPort(int port, Duration timeout) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive())
        throw new IllegalStateException(name + " exited with " + process.exitValue() + " before listening: " + logTail());
      try (Socket s = new Socket()) {
        s.connect(new InetSocketAddress("127.0.0.1", port), 200);
        return this;
      } catch (IOException notYet) {
        TimeUnit.MILLISECONDS.sleep(100); // polling a real process's readiness, not timing a test
      }
    }
    throw new IllegalStateException(name + " did not listen on " + port + " within " + timeout + ": " + logTail());
  }

  public long pid() {
    return process.pid();
  }

  public boolean isAlive() {
    return process.isAlive();
  }

  /** The last 4 KiB of the process's output, for failure messages. */
  public String logTail() {
    try {
      String s = Files.readString(log, UTF_8);
      return s.length() > 4096 ? s.substring(s.length() - 4096) : s;
    } catch (IOException e) {
      return "(no log: " + e.getMessage() + ")";
    }
  }

  private void kill() {
    process.descendants().forEach(ProcessHandle::destroy);
    process.destroy();
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.descendants().forEach(ProcessHandle::destroyForcibly);
        process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      process.destroyForcibly();
    }
  }

  /** Stops the process (SIGTERM, then SIGKILL after 10 s) and waits for it to go. */
  @Override
  public void close() {
    kill();
    try {
      Runtime.getRuntime().removeShutdownHook(hook);
    } catch (IllegalStateException shuttingDown) {
      // the hook is running or has run
    }
  }
}
