package io.ipfskit.server.log;

import java.util.ArrayDeque;
import java.util.Deque;

/**
 * Events the MCP client should see as {@code notifications/message} (its log, not ours): an
 * operation that failed, WAL ownership changes, a refused file path, a failed vault unlock. Any
 * part of the server calls {@link #send} from any thread; the stdio session {@linkplain #attach
 * attaches} a sink that forwards each event as a logging notification with the given logger name,
 * if the client's {@code logging/setLevel} lets its level through. Events sent before a session is
 * ready (e.g. an unlock failing right after start) are kept, at most {@value #MAX_PENDING}, and
 * delivered when it is. Without a session (CLI) events are dropped: callers log to SLF4J as well
 * when the operator should see them.
 *
 * <p>Rules for callers: a message names what happened and ids (operation id, type, error type,
 * the setting or variable to fix), never a secret value, a password, file content or operation
 * params. This class does not scan messages; it trusts that rule.
 */
public final class ClientLog {

  /** The MCP logging levels we use (a subset of RFC 5424). */
  public enum Level { DEBUG, INFO, NOTICE, WARNING, ERROR }

  /** Logger names, so hosts can filter: one per capability. */
  public static final String WAL = "ipfs-kit.wal";
  public static final String FILES = "ipfs-kit.files";
  public static final String SECRETS = "ipfs-kit.secrets";
  public static final String STORAGE = "ipfs-kit.storage";

  /** Where events go; the stdio session implements it. */
  public interface Sink {
    void deliver(Level level, String logger, String message);
  }

  static final int MAX_PENDING = 32;
  private static final Object LOCK = new Object();
  private static Sink sink; // guarded by LOCK; null until a session is ready
  private static final Deque<Object[]> pending = new ArrayDeque<>(); // guarded by LOCK

  private ClientLog() {}

  /** Sends one event to the client (or keeps it until a session is ready). Never throws. */
  public static void send(Level level, String logger, String message) {
    if (level == null || logger == null || message == null) return;
    Sink s;
    synchronized (LOCK) {
      s = sink;
      if (s == null) {
        if (pending.size() == MAX_PENDING) pending.removeFirst();
        pending.addLast(new Object[] {level, logger, message});
        return;
      }
    }
    deliver(s, level, logger, message);
  }

  public static void warning(String logger, String message) {
    send(Level.WARNING, logger, message);
  }

  public static void error(String logger, String message) {
    send(Level.ERROR, logger, message);
  }

  public static void notice(String logger, String message) {
    send(Level.NOTICE, logger, message);
  }

  /** Makes {@code newSink} the destination (the session is initialized) and flushes what was kept. */
  public static void attach(Sink newSink) {
    Object[][] kept;
    synchronized (LOCK) {
      sink = newSink;
      kept = pending.toArray(new Object[0][]);
      pending.clear();
    }
    for (Object[] e : kept) deliver(newSink, (Level) e[0], (String) e[1], (String) e[2]);
  }

  /** Stops sending to {@code oldSink} if it is the current one. */
  public static void detach(Sink oldSink) {
    synchronized (LOCK) {
      if (sink == oldSink) sink = null;
    }
  }

  private static void deliver(Sink s, Level level, String logger, String message) {
    try {
      s.deliver(level, logger, message);
    } catch (RuntimeException e) {
      // the client is gone or stdout failed: a log event must never break the caller
    }
  }
}
