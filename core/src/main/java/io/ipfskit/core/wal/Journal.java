package io.ipfskit.core.wal;

import java.io.IOException;
import java.util.List;

/**
 * What the parts behind {@link WriteAheadLog} (the {@link Dispatcher}, the {@link Archiver}) use of
 * it: the live operations and the segment log. Methods named {@code ...Locked} must be called with
 * the log's state lock held (the lock the part was built with); the others without it.
 *
 * <p>The rule every implementation keeps: a state becomes visible to readers only once the record
 * that decided it is durable ({@link #commitVisible}).
 */
interface Journal {
  /** True while {@code e} is the live entry for its id (not removed, archived or replaced by a retry). */
  boolean liveLocked(Entry e);

  /** The newest durable state of {@code e}, or null while it is not durable yet. */
  OpState visibleLocked(Entry e);

  /** Appends a status record for {@code e}, makes {@code next} its latest state; returns the record's sequence. */
  long appendStateLocked(Entry e, OpState next) throws IOException;

  /** Appends a record naming operations ({@link RecordCodec#ARCHIVING}, {@code ARCHIVED}, {@code REMOVED}). */
  long appendIdsLocked(byte kind, List<String> ids) throws IOException;

  /** Drops the operation from the live set (after its ARCHIVED or REMOVED record). */
  void removeLocked(String id);

  /** Returns once every record up to {@code seq} is durable. */
  void awaitSynced(long seq) throws IOException;

  /**
   * Waits until record {@code seq} (which decided {@code s}) is durable, then publishes {@code s}
   * to readers and, if terminal, queues it for the archive.
   */
  void commitVisible(Entry e, OpState s, long seq) throws IOException;

  /** The log is closed or closing: background work stops quietly. */
  boolean closed();

  /** The log hit an I/O error and accepts no more records: background work stops. */
  boolean failedClosed();
}
