package io.ipfskit.core.wal;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.Iterator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

/**
 * Moves durable terminal operations from the log to the {@link OperationArchive}, in batches: when
 * {@code partition_size} are waiting, when the oldest has waited {@link #MAX_DELAY_NANOS}, or when
 * forced (every checkpoint).
 *
 * <p>Protocol, so a crash at any point loses nothing and archives nothing twice: an
 * {@link RecordCodec#ARCHIVING} record naming the batch (fsynced; recovery then knows the archive
 * may already hold them), {@code archive.archive(batch)}, then an {@link RecordCodec#ARCHIVED}
 * record that drops them from the log. An operation whose ARCHIVING record survived a crash is
 * looked up in the archive first and written only if it is not there.
 *
 * <p>Locks: {@code waiting} and {@code waitingSinceNanos} are guarded by the log's state lock
 * ({@code ...Locked} methods need it); {@link #archiveDue} takes it itself and must be called by
 * one thread at a time (the log's maintenance monitor). Time is a parameter ({@code nowNanos},
 * a {@link System#nanoTime} reading), never read here.
 */
final class Archiver {
  static final long MAX_DELAY_NANOS = TimeUnit.SECONDS.toNanos(30);

  private final ReentrantLock lock;
  private final Journal journal;
  private final OperationArchive archive; // null: terminal operations stay in the log
  private final Supplier<WalConfig> config;
  private final Condition wakeMaintenance;
  private final LinkedHashSet<Entry> waiting = new LinkedHashSet<>();
  private long waitingSinceNanos;

  /** @param wakeMaintenance signalled (under lock) when a full batch is waiting */
  Archiver(ReentrantLock lock, Journal journal, OperationArchive archive, Supplier<WalConfig> config,
      Condition wakeMaintenance) {
    this.lock = requireNonNull(lock, "lock");
    this.journal = requireNonNull(journal, "journal");
    this.archive = archive;
    this.config = requireNonNull(config, "config");
    this.wakeMaintenance = requireNonNull(wakeMaintenance, "wakeMaintenance");
  }

  /** True when terminal operations move to the archive (an archive exists and archive_completed is on). */
  boolean enabled() {
    return archive != null && config.get().archiveCompleted();
  }

  /** Queues a durable terminal operation (no-op when archiving is off). */
  void queueLocked(Entry e, long nowNanos) {
    if (!enabled()) return;
    if (waiting.isEmpty()) waitingSinceNanos = nowNanos;
    waiting.add(e);
    if (waiting.size() >= config.get().partitionSize()) wakeMaintenance.signal();
  }

  /** Forgets an operation that left the terminal state (retried) or the log (removed). */
  void forgetLocked(Entry e) {
    if (e != null) waiting.remove(e);
  }

  int waitingLocked() {
    return waiting.size();
  }

  /** True when a batch is due at {@code nowNanos} without forcing. */
  boolean dueLocked(long nowNanos) {
    return !waiting.isEmpty()
        && (waiting.size() >= config.get().partitionSize() || nowNanos - waitingSinceNanos >= MAX_DELAY_NANOS);
  }

  /**
   * Archives the waiting operations if a batch is due at {@code nowNanos} (or at all, when
   * {@code force}). Returns how many left the log.
   */
  int archiveDue(boolean force, long nowNanos) throws IOException {
    if (!enabled()) return 0;
    List<Entry> batch = new ArrayList<>();
    List<OpState> states = new ArrayList<>();
    Set<Entry> mayBeArchived = new HashSet<>();
    long seq = -1;
    lock.lock();
    try {
      if (waiting.isEmpty()) return 0;
      if (!force && !dueLocked(nowNanos)) return 0;
      List<String> intent = new ArrayList<>();
      for (Iterator<Entry> it = waiting.iterator(); it.hasNext(); ) {
        Entry e = it.next();
        it.remove();
        OpState s = e.latest;
        if (!journal.liveLocked(e) || !s.status.isTerminal() || journal.visibleLocked(e) != s) continue;
        batch.add(e);
        states.add(s);
        if (e.archiveIntent) mayBeArchived.add(e);
        else intent.add(e.id);
      }
      if (!intent.isEmpty()) {
        seq = journal.appendIdsLocked(RecordCodec.ARCHIVING, intent);
        for (Entry e : batch) e.archiveIntent = true;
      }
    } finally {
      lock.unlock();
    }
    if (batch.isEmpty()) return 0;
    if (seq > 0) journal.awaitSynced(seq);
    List<Operation> ops = new ArrayList<>(batch.size());
    for (int i = 0; i < batch.size(); i++) {
      Entry e = batch.get(i);
      Operation row = WriteAheadLog.toOperation(e, states.get(i));
      // Archived before a crash? Only if the archive holds this very row: an operation archived
      // earlier, retried and finished again has an older row there, which must be replaced.
      if (mayBeArchived.contains(e) && archive.find(e.id).filter(row::equals).isPresent()) continue;
      ops.add(row);
    }
    if (!ops.isEmpty()) archive.archive(ops);
    List<String> done = new ArrayList<>();
    long seq2 = -1;
    lock.lock();
    try {
      for (int i = 0; i < batch.size(); i++) {
        Entry e = batch.get(i);
        if (journal.liveLocked(e) && e.latest == states.get(i)) done.add(e.id);
      }
      if (!done.isEmpty()) {
        seq2 = journal.appendIdsLocked(RecordCodec.ARCHIVED, done);
        for (String id : done) journal.removeLocked(id);
      }
    } finally {
      lock.unlock();
    }
    if (seq2 > 0) journal.awaitSynced(seq2);
    return done.size();
  }
}
