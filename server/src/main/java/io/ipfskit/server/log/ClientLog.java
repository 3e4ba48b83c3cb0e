package io.ipfskit.server.log;

import io.modelcontextprotocol.spec.McpSchema.LoggingLevel;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

/**
 * Events the MCP client should see as {@code notifications/message} (its log, not ours): an
 * operation that failed, WAL ownership changes, a refused file path, a failed vault unlock. Any
 * part of the server calls {@link #send} from any thread; each transport {@linkplain #attach
 * attaches} a sink that forwards each event as a logging notification with the given logger name
 * to its sessions, if the client's {@code logging/setLevel} lets its level through: the stdio
 * session, and the HTTP server for all its sessions (both at once in {@code serve --stdio --http}).
 * Events sent before a {@linkplain #attach session sink} is attached (e.g. an unlock failing right
 * after start) are kept, at most {@value #MAX_PENDING}, and delivered to it when it is; a sink
 * {@linkplain #attachLive attached live} (the HTTP server: its sessions come and go) gets events from
 * then on and leaves the kept ones for the stdio session. Without a session sink (CLI, HTTP only) at
 * most {@value #MAX_PENDING} events stay kept: callers log to SLF4J as well when the operator should
 * see them.
 *
 * <p>Rules for callers: a message names what happened and ids (operation id, type, error type,
 * the setting or variable to fix), never a secret value, a password, file content or operation
 * params. This class does not scan messages; it trusts that rule.
 */
public final class ClientLog {

  /** The MCP logging levels we use (a subset of RFC 5424). */
  public enum Level {
    DEBUG(LoggingLevel.DEBUG), INFO(LoggingLevel.INFO), NOTICE(LoggingLevel.NOTICE), WARNING(LoggingLevel.WARNING),
    ERROR(LoggingLevel.ERROR);

    private final LoggingLevel mcp;

    Level(LoggingLevel mcp) {
      this.mcp = mcp;
    }

    /** The same level as the MCP SDK names it. */
    public LoggingLevel mcp() {
      return mcp;
    }
  }

  /** Logger names, so hosts can filter: one per capability. */
  public static final String WAL = "ipfs-kit.wal";
  public static final String FILES = "ipfs-kit.files";
  public static final String SECRETS = "ipfs-kit.secrets";
  public static final String STORAGE = "ipfs-kit.storage";

  /** Where events go; each transport implements it. */
  public interface Sink {
    void deliver(Level level, String logger, String message);

    /**
     * {@code direct} called on a thread of its own (named {@code threadName}), so a caller (a WAL
     * worker, say) never waits for a slow client; at most {@value #MAX_QUEUED} events wait, more are
     * dropped.
     */
    static Sink onOwnThread(String threadName, Sink direct) {
      ThreadPoolExecutor sender = new ThreadPoolExecutor(1, 1, 0, TimeUnit.MILLISECONDS,
          new ArrayBlockingQueue<>(MAX_QUEUED), r -> {
            Thread t = new Thread(r, threadName);
            t.setDaemon(true);
            return t;
          }, new ThreadPoolExecutor.DiscardPolicy());
      return (level, logger, message) -> sender.execute(() -> direct.deliver(level, logger, message));
    }
  }

  static final int MAX_PENDING = 32;
  static final int MAX_QUEUED = 1000;
  private static final Object LOCK = new Object();
  private static final List<Sink> sinks = new ArrayList<>(); // guarded by LOCK; empty until a transport is ready
  private static final Deque<Object[]> pending = new ArrayDeque<>(); // guarded by LOCK
  private static final List<Sink> replaying = new ArrayList<>(); // guarded by LOCK: the sinks attached with attach()

  private ClientLog() {}

  /** Sends one event to the client (or keeps it until a session is ready). Never throws. */
  public static void send(Level level, String logger, String message) {
    if (level == null || logger == null || message == null) return;
    Sink[] to;
    synchronized (LOCK) {
      if (replaying.isEmpty()) {
        if (pending.size() == MAX_PENDING) pending.removeFirst();
        pending.addLast(new Object[] {level, logger, message});
      }
      to = sinks.toArray(new Sink[0]);
    }
    for (Sink s : to) deliver(s, level, logger, message);
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

  /** Adds {@code newSink} as a destination from now on, without the events kept so far. */
  public static void attachLive(Sink newSink) {
    synchronized (LOCK) {
      if (!sinks.contains(newSink)) sinks.add(newSink);
    }
  }

  /** Adds {@code newSink} as a destination (its session is initialized) and flushes what was kept. */
  public static void attach(Sink newSink) {
    Object[][] kept;
    synchronized (LOCK) {
      if (!sinks.contains(newSink)) {
        sinks.add(newSink);
        replaying.add(newSink);
      }
      kept = pending.toArray(new Object[0][]);
      pending.clear();
    }
    for (Object[] e : kept) deliver(newSink, (Level) e[0], (String) e[1], (String) e[2]);
  }

  /** Whether {@code s} is attached now (tests). */
  public static boolean isAttached(Sink s) {
    synchronized (LOCK) {
      return sinks.contains(s);
    }
  }

  /** Stops sending to {@code oldSink}. */
  public static void detach(Sink oldSink) {
    synchronized (LOCK) {
      sinks.remove(oldSink);
      replaying.remove(oldSink);
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
