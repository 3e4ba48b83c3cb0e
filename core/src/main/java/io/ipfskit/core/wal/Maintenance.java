package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The log's housekeeping rules, run by one thread in a loop (OkHttp's {@code cleanup(now)} idiom):
 * {@link #runOnce} does what is due at {@code nowNanos} and returns when it must run next; the
 * thread waits until then or until woken (a full archive batch). Time is a parameter, a
 * {@link System#nanoTime} reading, never read here, so tests drive it by hand.
 *
 * <p>Each round: archive a due batch; remove finished operations older than {@code max_age_days}
 * (first at the first round, i.e. at start, then every {@link #CLEANUP_EVERY_NANOS}); checkpoint
 * when automatic checkpoints are on and the log has {@link #CHECKPOINT_AT_SEGMENTS} segments or
 * {@link #CHECKPOINT_EVERY_RECORDS} records since the last checkpoint.
 *
 * <p>Not thread-safe: one caller (the maintenance thread, or a test).
 */
final class Maintenance {
  private static final Logger LOG = LoggerFactory.getLogger(Maintenance.class);
  static final long CHECKPOINT_EVERY_RECORDS = 4_000_000;
  static final int CHECKPOINT_AT_SEGMENTS = 3;
  /** Finished operations older than {@code max_age_days} are removed this often (log and archive). */
  static final long CLEANUP_EVERY_NANOS = TimeUnit.HOURS.toNanos(1);
  /** The longest pause between rounds (segment counts grow without waking anyone). */
  static final long MAX_POLL_NANOS = TimeUnit.SECONDS.toNanos(1);

  /** What a round can do to the log. */
  interface Tasks {
    /** Archives a batch if one is due at {@code nowNanos}. */
    void archiveDue(long nowNanos) throws IOException;

    /** Removes finished operations older than {@code maxAgeDays}; returns how many. */
    int cleanup(int maxAgeDays) throws IOException;

    int segmentCount();

    long recordsSinceCheckpoint();

    void checkpoint() throws IOException;
  }

  private final Tasks tasks;
  private final Supplier<WalConfig> config;
  private final boolean autoCheckpoint;
  private boolean cleanedUp; // false until the first cleanup: it runs at the first round
  private long nextCleanupNanos;

  Maintenance(Tasks tasks, Supplier<WalConfig> config, boolean autoCheckpoint) {
    this.tasks = requireNonNull(tasks, "tasks");
    this.config = requireNonNull(config, "config");
    this.autoCheckpoint = autoCheckpoint;
  }

  /**
   * Does what is due at {@code nowNanos}. A failing step is logged and the round goes on with the
   * next one; the failed step is tried again at its next turn.
   *
   * @return the {@link System#nanoTime} reading at which to run next (at most
   *     {@code min(process_interval, 1 s)} ahead)
   */
  long runOnce(long nowNanos) {
    WalConfig c = config.get();
    try {
      tasks.archiveDue(nowNanos);
    } catch (IOException | RuntimeException e) {
      LOG.error("write-ahead log maintenance: archiving failed; will try again: {}", e.toString());
    }
    if (!cleanedUp || nowNanos - nextCleanupNanos >= 0) {
      cleanedUp = true;
      nextCleanupNanos = nowNanos + CLEANUP_EVERY_NANOS;
      try {
        int removed = tasks.cleanup(c.maxAgeDays());
        if (removed > 0) LOG.info("removed {} finished operations older than max_age_days={}", removed, c.maxAgeDays());
      } catch (IOException | RuntimeException e) {
        LOG.error("write-ahead log maintenance: cleanup failed; will try again in an hour: {}", e.toString());
      }
    }
    if (checkpointDue()) {
      try {
        tasks.checkpoint();
      } catch (IOException | RuntimeException e) {
        LOG.error("write-ahead log maintenance: checkpoint failed; will try again: {}", e.toString());
      }
    }
    long next = nowNanos + Math.min(c.processInterval().toNanos(), MAX_POLL_NANOS);
    return nextCleanupNanos - next < 0 ? nextCleanupNanos : next;
  }

  private boolean checkpointDue() {
    return autoCheckpoint && (tasks.segmentCount() >= CHECKPOINT_AT_SEGMENTS
        || tasks.recordsSinceCheckpoint() >= CHECKPOINT_EVERY_RECORDS);
  }
}
