package io.ipfskit.core.wal;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.zip.CRC32C;

/**
 * The on-disk record format, shared by segments and checkpoints.
 *
 * <pre>
 * frame   = length:int32 (payload bytes) | crc:int32 (CRC32C of payload) | payload
 * payload = seq:int64 | kind:int8 | body
 * CREATED   body = id | type:int8 | backend | priority:int8 | timestamp:int64 | createdSeq:int64 | flags:int8 | params:bytes | state
 * STATE     body = id | state
 * ARCHIVING / ARCHIVED / REMOVED body = count:int32 | id * count
 * CHECKPOINT_HEADER body = count:int32 ; CHECKPOINT_END body = count:int32
 * state   = status:int8 | updatedAt:int64 | completedAt:int64 | retryCount:int32 | maxRetries:int32
 *           | nextRetryAt:int64 | cid | size:int64 | destination | error | errorType
 *           [ | location | pinned:int8 (-1 = null, 0, 1) ]
 * string  = length:int32 (-1 = null) | UTF-8 bytes ; bytes = length:int32 | bytes
 * </pre>
 * Big-endian. Times are epoch microseconds, Long.MIN_VALUE = absent.
 *
 * <p>The bracketed tail of {@code state} (where the backend put the result, whether it pinned it)
 * came later: it is written only when the state has either, and a reader takes a state that ends
 * after {@code errorType} as one without them. {@code state} is the last part of every record that
 * holds one, so records written before the tail existed read unchanged.
 */
final class RecordCodec {
  static final int HEADER_BYTES = 8;
  static final int MIN_PAYLOAD = 9;
  static final int MAX_PAYLOAD = 64 << 20;

  static final byte CREATED = 1;
  static final byte STATE = 2;
  static final byte ARCHIVING = 3;
  static final byte ARCHIVED = 4;
  static final byte REMOVED = 5;
  static final byte CHECKPOINT_HEADER = 6;
  static final byte CHECKPOINT_END = 7;

  private static final OperationStatus[] STATUSES = OperationStatus.values();
  private static final OperationType[] TYPES = OperationType.values();

  private RecordCodec() {}

  /** Starts a frame in {@code b}: header placeholder, seq placeholder, kind. */
  static void begin(Bytes b, byte kind) {
    b.reset();
    b.putInt(0);
    b.putInt(0);
    b.putLong(0);
    b.put(kind);
  }

  /** Fills in seq, length and CRC; the frame is then {@code b.buf[0, b.pos)}. */
  static void seal(Bytes b, long seq, CRC32C crc) {
    b.setLong(HEADER_BYTES, seq);
    int len = b.pos - HEADER_BYTES;
    b.setInt(0, len);
    crc.reset();
    crc.update(b.buf, HEADER_BYTES, len);
    b.setInt(4, (int) crc.getValue());
  }

  static void created(Bytes b, Entry e, OpState s) {
    created(b, e.id, e.type, e.backend, e.priority, e.timestamp, e.createdSeq, e.archiveIntent, e.params, s);
  }

  /** @param createdSeq 0 in segment records: it is then the record's own sequence */
  static void created(Bytes b, String id, OperationType type, String backend, int priority, long timestamp,
      long createdSeq, boolean archiveIntent, byte[] params, OpState s) {
    begin(b, CREATED);
    b.putString(id);
    b.put((byte) type.ordinal());
    b.putString(backend);
    b.put((byte) priority);
    b.putLong(timestamp);
    b.putLong(createdSeq);
    b.put((byte) (archiveIntent ? 1 : 0));
    b.putBytes(params);
    state(b, s);
  }

  static void stateRecord(Bytes b, String id, OpState s) {
    begin(b, STATE);
    b.putString(id);
    state(b, s);
  }

  static void idList(Bytes b, byte kind, List<String> ids) {
    begin(b, kind);
    b.putInt(ids.size());
    for (String id : ids) b.putString(id);
  }

  private static void state(Bytes b, OpState s) {
    b.put((byte) s.status.ordinal());
    b.putLong(s.updatedAt);
    b.putLong(s.completedAt);
    b.putInt(s.retryCount);
    b.putInt(s.maxRetries);
    b.putLong(s.nextRetryAt);
    b.putString(s.resultCid);
    b.putLong(s.resultSize);
    b.putString(s.resultDestination);
    b.putString(s.error);
    b.putString(s.errorType);
    if (s.resultLocation != null || s.resultPinned != OpState.PIN_ABSENT) {
      b.putString(s.resultLocation);
      b.put(s.resultPinned);
    }
  }

  // ---- decoding: payload buffers are positioned after seq and kind ----

  static String string(ByteBuffer p) {
    int n = p.getInt();
    if (n < 0) return null;
    if (p.hasArray()) {
      String s = new String(p.array(), p.arrayOffset() + p.position(), n, StandardCharsets.UTF_8);
      p.position(p.position() + n);
      return s;
    }
    // Mapped (direct) buffers: decode through a reused scratch array, not a new one per string
    // (recovery decodes one id per record; the String copies the bytes anyway).
    byte[] a = n <= SCRATCH_BYTES ? STRING_SCRATCH.get() : new byte[n];
    p.get(a, 0, n);
    return new String(a, 0, n, StandardCharsets.UTF_8);
  }

  private static final int SCRATCH_BYTES = 256;
  private static final ThreadLocal<byte[]> STRING_SCRATCH = ThreadLocal.withInitial(() -> new byte[SCRATCH_BYTES]);

  static Entry readCreated(ByteBuffer p, long seq) {
    String id = string(p);
    OperationType type = TYPES[p.get()];
    String backend = backendName(p);
    int priority = p.get();
    long ts = p.getLong();
    long createdSeq = p.getLong();
    byte flags = p.get();
    byte[] params = new byte[p.getInt()];
    p.get(params);
    Entry e = new Entry(id, type, backend, params, priority, ts, createdSeq == 0 ? seq : createdSeq);
    e.archiveIntent = (flags & 1) != 0;
    OpState s = readState(p);
    s.seq = seq;
    e.latest = s;
    e.durable = s;
    return e;
  }

  private static final java.util.concurrent.ConcurrentHashMap<String, String> BACKEND_NAMES =
      new java.util.concurrent.ConcurrentHashMap<>();
  private static final ThreadLocal<byte[]> LAST_BACKEND = new ThreadLocal<>();
  private static final ThreadLocal<String> LAST_BACKEND_NAME = new ThreadLocal<>();

  /** Backend names repeat in every record: reuse one String per name instead of one per record. */
  private static String backendName(ByteBuffer p) {
    int n = p.getInt();
    byte[] last = LAST_BACKEND.get();
    if (last != null && last.length == n) {
      boolean same = true;
      int at = p.position();
      for (int i = 0; i < n && same; i++) same = p.get(at + i) == last[i];
      if (same) {
        p.position(at + n);
        return LAST_BACKEND_NAME.get();
      }
    }
    byte[] a = new byte[n];
    p.get(a);
    String name = BACKEND_NAMES.computeIfAbsent(new String(a, StandardCharsets.UTF_8), k -> k);
    LAST_BACKEND.set(a);
    LAST_BACKEND_NAME.set(name);
    return name;
  }

  static OpState readState(ByteBuffer p) {
    OperationStatus status = STATUSES[p.get()];
    long updated = p.getLong();
    long completed = p.getLong();
    int retries = p.getInt();
    int max = p.getInt();
    long next = p.getLong();
    String cid = string(p);
    long size = p.getLong();
    String dest = string(p);
    String error = string(p);
    String errorType = string(p);
    String location = null;
    byte pinned = OpState.PIN_ABSENT;
    if (p.hasRemaining()) { // the optional tail (see the class comment)
      location = string(p);
      pinned = p.get();
    }
    return new OpState(status, updated, completed, retries, max, next, cid, size, dest, location, pinned, error,
        errorType);
  }

  static List<String> readIds(ByteBuffer p) {
    int n = p.getInt();
    List<String> ids = new ArrayList<>(n);
    for (int i = 0; i < n; i++) ids.add(string(p));
    return ids;
  }
}
