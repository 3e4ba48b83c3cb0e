package io.ipfskit.core.wal;

/**
 * One operation the log holds in memory. Identity fields never change ({@link #createdSeq} is set
 * once, under the state lock, before the entry is published to any other thread); {@link #latest} is the
 * newest decided state (possibly not yet fsynced), {@link #durable} the newest state known to be on
 * disk. All mutable fields are guarded by the log's state lock. Natural order = scheduling order:
 * higher priority first, then older first.
 */
final class Entry implements Comparable<Entry> {
  final String id;
  final OperationType type;
  final String backend;
  final byte[] params; // JSON object, UTF-8
  final int priority;
  final long timestamp; // epoch micros
  long createdSeq; // set once before publication (see class comment)

  OpState latest;
  OpState durable;
  boolean archiveIntent; // an ARCHIVING record exists: the archive may already hold this op
  boolean inReady;
  boolean inTimer;
  long timerDue;
  /** Its last retry was deferred by the retry budget: the budget must grant its next run (memory only). */
  boolean budgetDeferred;

  Entry(String id, OperationType type, String backend, byte[] params, int priority, long timestamp, long createdSeq) {
    this.id = id;
    this.type = type;
    this.backend = backend;
    this.params = params;
    this.priority = priority;
    this.timestamp = timestamp;
    this.createdSeq = createdSeq;
  }

  @Override
  public int compareTo(Entry o) {
    if (priority != o.priority) return priority > o.priority ? -1 : 1;
    return Long.compare(createdSeq, o.createdSeq);
  }
}
