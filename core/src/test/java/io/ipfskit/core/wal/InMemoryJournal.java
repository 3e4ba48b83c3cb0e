package io.ipfskit.core.wal;

import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Test stand-in for the log behind {@link Journal}: live operations in a map, records in a list,
 * every record durable at once. Lets the dispatcher and the archiver run alone. Callers of the
 * {@code ...Locked} methods hold the lock they share with the part under test; the record list is
 * synchronized for assertions from the test thread.
 */
final class InMemoryJournal implements Journal {
  final Map<String, Entry> entries = new HashMap<>();
  /** Each record as text: "state:<id>:<status>", "archiving:<ids>", "archived:<ids>", "removed:<ids>". */
  final List<String> records = Collections.synchronizedList(new ArrayList<>());
  private long seq;
  volatile boolean closed;
  /** Called with each terminal state made visible (the log queues it for the archive). */
  volatile Consumer<Entry> onTerminal = e -> {};

  /** Adds a pending operation, as {@code WriteAheadLog.add} would, and returns it. */
  Entry add(String id, int priority, long now) {
    Entry e = new Entry(id, OperationType.ADD, "local", ("{\"content\":\"" + id + "\"}").getBytes(), priority, now,
        ++seq);
    e.latest = Lifecycle.created(now, 3);
    e.latest.seq = e.createdSeq;
    e.durable = e.latest;
    entries.put(id, e);
    records.add("created:" + id);
    return e;
  }

  @Override
  public boolean liveLocked(Entry e) {
    return entries.get(e.id) == e;
  }

  @Override
  public OpState visibleLocked(Entry e) {
    return e.latest;
  }

  @Override
  public long appendStateLocked(Entry e, OpState next) {
    next.seq = ++seq;
    e.latest = next;
    records.add("state:" + e.id + ":" + next.status.wireName());
    return next.seq;
  }

  @Override
  public long appendIdsLocked(byte kind, List<String> ids) {
    String name = switch (kind) {
      case RecordCodec.ARCHIVING -> "archiving";
      case RecordCodec.ARCHIVED -> "archived";
      case RecordCodec.REMOVED -> "removed";
      default -> throw new AssertionError(kind);
    };
    records.add(name + ":" + String.join(",", ids));
    return ++seq;
  }

  @Override
  public void removeLocked(String id) {
    entries.remove(id);
  }

  @Override
  public void awaitSynced(long s) {}

  @Override
  public void commitVisible(Entry e, OpState s, long recordSeq) {
    synchronized (this) {
      if (e.durable == null || e.durable.seq < s.seq) e.durable = s;
    }
    if (s.status.isTerminal()) onTerminal.accept(e);
  }

  /** The state last made visible, read safely from the test thread. */
  synchronized OpState durable(Entry e) {
    return e.durable;
  }

  @Override
  public boolean closed() {
    return closed;
  }

  @Override
  public boolean failedClosed() {
    return false;
  }
}
