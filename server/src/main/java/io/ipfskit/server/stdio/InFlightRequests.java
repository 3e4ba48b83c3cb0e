package io.ipfskit.server.stdio;

import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.function.Consumer;
import java.util.function.Supplier;

/**
 * The requests of this session that are not answered yet, for the two things MCP lets a client do
 * to a running request: ask for progress ({@code _meta.progressToken}) and cancel it
 * ({@code notifications/cancelled}).
 *
 * <p>Progress: while a request that carried a token runs, a ticker sends
 * {@code notifications/progress} every {@link #progressIntervalMillis()} (default
 * {@value #DEFAULT_PROGRESS_INTERVAL_MILLIS} ms, system property {@value #PROGRESS_INTERVAL_PROPERTY})
 * with a rising {@code progress} and a message. A progress notification and the response for the
 * same request are ordered by the entry's monitor: none follows the response.
 *
 * <p>Cancellation: a cancelled request's cancel hook runs (a long call's future is cancelled, which
 * frees what it holds); whatever response it would still produce is dropped, never written.
 * Requests are keyed by {@link #key(Object)}, so {@code 7} and {@code "7"} stay distinct.
 */
final class InFlightRequests implements AutoCloseable {

  static final String PROGRESS_INTERVAL_PROPERTY = io.ipfskit.server.tools.LongCall.PROGRESS_INTERVAL_PROPERTY;
  static final long DEFAULT_PROGRESS_INTERVAL_MILLIS = io.ipfskit.server.tools.LongCall.DEFAULT_PROGRESS_INTERVAL_MILLIS;

  /** Where a progress notification goes (the session's notification sender). */
  interface ProgressSink {
    void send(ProgressNotification notification);
  }

  private static final class Entry {
    final Object progressToken; // null: no progress wanted
    final Supplier<String> status;
    final Runnable onCancel;
    int ticks; // guarded by this
    boolean done; // guarded by this
    boolean cancelled; // guarded by this

    Entry(Object progressToken, Supplier<String> status, Runnable onCancel) {
      this.progressToken = progressToken;
      this.status = status;
      this.onCancel = onCancel;
    }
  }

  private final Map<String, Entry> entries = new ConcurrentHashMap<>();
  private final ProgressSink sink;
  private final ScheduledExecutorService ticker;
  private final ScheduledFuture<?> tick;

  InFlightRequests(ProgressSink sink, long intervalMillis) {
    if (intervalMillis < 1) {
      throw new IllegalArgumentException("intervalMillis must be >= 1, but was " + intervalMillis);
    }
    this.sink = sink;
    this.ticker = Executors.newSingleThreadScheduledExecutor(r -> {
      Thread t = new Thread(r, "mcp-progress");
      t.setDaemon(true);
      return t;
    });
    this.tick = ticker.scheduleAtFixedRate(this::tick, intervalMillis, intervalMillis, TimeUnit.MILLISECONDS);
  }

  /** The interval from {@value #PROGRESS_INTERVAL_PROPERTY}, else the default; tests shorten it. */
  static long progressIntervalMillis() {
    return io.ipfskit.server.tools.LongCall.progressIntervalMillis();
  }

  /** The map key of a JSON-RPC id (a String, or a Number as the SDK and Jackson produce it). */
  static String key(Object id) {
    if (id instanceof String s) return "s:" + s;
    if (id instanceof Number n) return "n:" + n.longValue();
    if (id instanceof tools.jackson.databind.JsonNode node) {
      return node.isString() ? "s:" + node.stringValue() : "n:" + node.asLong();
    }
    return "?:" + id;
  }

  /** Records a request the client may cancel; {@code progressToken} null when it asked for no progress. */
  void begin(Object id, Object progressToken, Supplier<String> status, Runnable onCancel) {
    entries.put(key(id), new Entry(progressToken, status, onCancel));
  }

  /**
   * Marks the request answered; returns false when its response must be dropped (it was
   * cancelled). Unknown ids (never begun) return true.
   */
  boolean finish(Object id, Consumer<Boolean> whileLocked) {
    Entry e = entries.remove(key(id));
    if (e == null) {
      whileLocked.accept(true);
      return true;
    }
    synchronized (e) {
      e.done = true;
      whileLocked.accept(!e.cancelled);
      return !e.cancelled;
    }
  }

  /** Cancels a running request; returns whether one was running under this id. */
  boolean cancel(Object id) {
    Entry e = entries.get(key(id));
    if (e == null) return false;
    synchronized (e) {
      if (e.done || e.cancelled) return false;
      e.cancelled = true;
    }
    if (e.onCancel != null) e.onCancel.run();
    return true;
  }

  /** Whether the request under this id has a cancel hook (a long call that cancelling stops). */
  boolean stoppable(Object id) {
    Entry e = entries.get(key(id));
    return e != null && e.onCancel != null;
  }

  int size() {
    return entries.size();
  }

  private void tick() {
    for (Entry e : entries.values()) {
      if (e.progressToken == null) continue;
      try {
        synchronized (e) {
          if (e.done || e.cancelled) continue;
          e.ticks++;
          sink.send(new ProgressNotification(e.progressToken, e.ticks, null, e.status.get()));
        }
      } catch (RuntimeException ex) {
        // A failed write is the session's problem (stdout gone); the next tick tries again.
      }
    }
  }

  @Override
  public void close() {
    tick.cancel(false);
    ticker.shutdownNow();
  }
}
