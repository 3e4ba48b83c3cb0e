package io.ipfskit.core.secrets;

import java.io.IOException;
import java.math.BigDecimal;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Instant;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.HashMap;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;

/**
 * The append-only, hash-chained audit log {@code audit.log} (JSON lines, 0600).
 *
 * <p>Format: the reference's fields {@code timestamp, datetime, secret_id, service, action, success,
 * metadata} plus {@code prev_hash}, the hex SHA-256 of the previous line's bytes (without its line
 * break); 64 zeros for the first line of an empty log. Lines a reference store wrote before us have no
 * {@code prev_hash}: they are kept as they are and counted as legacy; the chain starts after them (its
 * first entry hashes the last legacy line). No entry ever holds a secret value.
 *
 * <p>Concurrency: an append takes the audit lock ({@link StoreLock}, JVM mutex + byte-range file
 * lock), catches up with lines other processes appended (to learn the hash of the last line), then
 * writes its line with one positional write at the end. A torn last line (a writer died mid-write)
 * is truncated before appending, or completed with a line break when it is whole JSON. The fields
 * below are guarded by {@code this}; the audit lock is always taken before {@code this}.
 *
 * <p>Durability: mutations force the file after their line ({@code durable}); retrieve and list lines
 * are written to the page cache only (they survive a process crash, not a power cut) so a read costs
 * no fsync.
 *
 * <p>Truncation and recomputed chains: a plain hash chain cannot show that lines were cut from its
 * end, nor stop someone who edits a line and recomputes every later {@code prev_hash}. So after each
 * durable (mutation) line, {@code audit.head} records the line count and the last line's hash under
 * an HMAC-SHA256 keyed from the store's data key; {@link #verify} checks the log against it. The head
 * is replaced atomically but not fsynced: after a power cut it may be older than the log, which is
 * still consistent (it vouches for a prefix).
 *
 * <p>Access counts: the number of successful {@code retrieve} lines per secret in the chained part
 * (reset by a successful {@code store} of the same id), kept up to date incrementally as lines are
 * read. Reads therefore never rewrite the store files. The reference's own counts stay in
 * metadata.json as a base that these are added to.
 */
final class AuditLog {
  private static final Logger LOG = LoggerFactory.getLogger(AuditLog.class);
  static final String FILE = "audit.log";
  static final String ZERO_HASH = "0".repeat(64);
  static final String HEAD_FILE = "audit.head";
  private static final String HEAD_FORMAT = "ipfs-kit-audit-head/1";
  /** Actions whose lines are always durable and followed by a head update. */
  private static final java.util.Set<String> MUTATIONS = java.util.Set.of("store", "rotate", "delete", "change_password");

  static final class Access {
    long count;
    Instant last;
  }

  private final Path file;
  private final Path headFile;
  private final byte[] headKey;
  private final StoreLock lock;
  private FileChannel channel; // guarded by this; reopened if an interrupt closed it
  private final MessageDigest sha256 = newSha256();
  // guarded by this
  private long scanned;
  private long lines;
  private byte[] lastHash;
  private boolean chainStarted;
  private boolean closed;
  private final Map<String, Access> access = new HashMap<>();

  AuditLog(Path dir, StoreLock lock, byte[] dataKey) {
    this.file = dir.resolve(FILE);
    this.headFile = dir.resolve(HEAD_FILE);
    this.headKey = KeyDerivation.hkdfSha256(dataKey, "ipfs-kit audit head".getBytes(StandardCharsets.US_ASCII),
        "v1".getBytes(StandardCharsets.US_ASCII), 32);
    this.lock = lock;
    synchronized (this) {
      try {
        this.channel = VaultFiles.openPrivate(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
        VaultFiles.tightenFile(file);
      } catch (IOException e) {
        throw new VaultStorageException("cannot open the audit log " + file + ": " + e, e);
      }
      resetScan();
      catchUp(false);
    }
  }

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is not available", e);
    }
  }

  private void resetScan() {
    scanned = 0;
    lines = 0;
    lastHash = null;
    chainStarted = false;
    access.clear();
  }

  /**
   * The open channel. NIO closes a channel when a thread blocked on it is interrupted; the next
   * caller reopens it so one cancelled request does not disable auditing. Must hold {@code this}.
   */
  private FileChannel ch() throws IOException {
    if (!channel.isOpen()) {
      if (closed) {
        throw new IllegalStateException("the audit log " + file + " is closed");
      }
      channel = VaultFiles.openPrivate(file, StandardOpenOption.CREATE, StandardOpenOption.READ, StandardOpenOption.WRITE);
    }
    return channel;
  }

  synchronized void close() {
    closed = true;
    try {
      channel.close();
    } catch (IOException e) {
      LOG.warn("closing {} failed: {}", file, e.toString());
    }
  }

  /** Appends one entry; {@code durable} forces it to disk before returning. */
  void append(Instant now, String secretIdOrNull, String service, String action, boolean success, String reasonOrNull,
      boolean durable) {
    lock.withAuditLock(() -> {
      synchronized (this) {
        catchUp(true);
        String prev = lastHash == null ? ZERO_HASH : HexFormat.of().formatHex(lastHash);
        String line = formatLine(now, secretIdOrNull, service, action, success, reasonOrNull, prev);
        byte[] bytes = line.getBytes(StandardCharsets.UTF_8);
        ByteBuffer buf = ByteBuffer.allocate(bytes.length + 1).put(bytes).put((byte) '\n').flip();
        try {
          long pos = scanned;
          while (buf.hasRemaining()) {
            pos += ch().write(buf, pos);
          }
          if (durable) {
            ch().force(false);
          }
        } catch (java.nio.channels.ClosedByInterruptException e) {
          Thread.currentThread().interrupt();
          throw new VaultStorageException("interrupted while appending to the audit log " + file, e);
        } catch (IOException e) {
          throw new VaultStorageException("cannot append to the audit log " + file + ": " + e, e);
        }
        scanned += bytes.length + 1;
        lines++;
        lastHash = sha256.digest(bytes);
        chainStarted = true;
        count(secretIdOrNull, action, success, now);
        if (durable) {
          writeHead();
        }
      }
      return null;
    });
  }

  /** Access count and last access of a secret from the chained log (after catching up). */
  synchronized Access access(String secretId) {
    Access a = access.get(secretId);
    Access copy = new Access();
    if (a != null) {
      copy.count = a.count;
      copy.last = a.last;
    }
    return copy;
  }

  /** Reads lines other processes appended since the last look (complete lines only). */
  synchronized void refresh() {
    catchUp(false);
  }

  private void count(String id, String action, boolean success, Instant ts) {
    if (id == null || !success) {
      return;
    }
    if (action.equals("retrieve")) {
      Access a = access.computeIfAbsent(id, k -> new Access());
      a.count++;
      if (ts != null && (a.last == null || ts.isAfter(a.last))) {
        a.last = ts;
      }
    } else if (action.equals("store")) {
      access.remove(id);
    }
  }

  /** Must hold {@code this}; with {@code underLock} a torn tail is repaired. */
  private void catchUp(boolean underLock) {
    long size;
    try {
      size = ch().size();
      if (size < scanned) {
        LOG.warn("audit log {} shrank from {} to {} bytes; rescanning it", file, scanned, size);
        resetScan();
      }
      if (size == scanned) {
        return;
      }
      long len = size - scanned;
      if (len > Integer.MAX_VALUE - 16) {
        throw new VaultStorageException("audit log " + file + " grew by more than 2 GiB at once; rotate it");
      }
      ByteBuffer buf = ByteBuffer.allocate((int) len);
      long pos = scanned;
      while (buf.hasRemaining()) {
        int n = ch().read(buf, pos);
        if (n < 0) {
          break;
        }
        pos += n;
      }
      byte[] data = buf.array();
      int filled = buf.position();
      int start = 0;
      for (int i = 0; i < filled; i++) {
        if (data[i] == '\n') {
          processLine(data, start, i - start);
          start = i + 1;
        }
      }
      scanned += start;
      if (start < filled && underLock) {
        repairTornTail(data, start, filled - start);
      }
    } catch (IOException e) {
      throw new VaultStorageException("cannot read the audit log " + file + ": " + e, e);
    }
  }

  private String headMac(long lineCount, String hashHex) {
    try {
      javax.crypto.Mac mac = javax.crypto.Mac.getInstance("HmacSHA256");
      mac.init(new javax.crypto.spec.SecretKeySpec(headKey, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal((HEAD_FORMAT + "|" + lineCount + "|" + hashHex).getBytes(StandardCharsets.US_ASCII)));
    } catch (java.security.GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 is not available", e);
    }
  }

  /** Must hold {@code this} and the audit lock. */
  private void writeHead() {
    String hash = HexFormat.of().formatHex(lastHash);
    String json = "{\"format\":\"" + HEAD_FORMAT + "\",\"lines\":" + lines + ",\"last_hash\":\"" + hash
        + "\",\"mac\":\"" + headMac(lines, hash) + "\"}\n";
    VaultFiles.replaceWithoutFsync(headFile, json.getBytes(StandardCharsets.US_ASCII));
  }

  private void repairTornTail(byte[] data, int off, int len) throws IOException {
    if (parse(data, off, len) != null) {
      ch().write(ByteBuffer.wrap(new byte[] {'\n'}), scanned + len);
      processLine(data, off, len);
      scanned += len + 1;
      LOG.warn("audit log {}: the last line had no line break; added one", file);
    } else {
      ch().truncate(scanned);
      ch().force(false);
      LOG.warn("audit log {}: removed a torn last line of {} bytes (a writer died mid-write)", file, len);
    }
  }

  private void processLine(byte[] data, int off, int len) {
    sha256.update(data, off, len);
    lastHash = sha256.digest();
    lines++;
    JsonNode n = parse(data, off, len);
    if (n == null || !n.isObject()) {
      return;
    }
    if (n.has("prev_hash")) {
      chainStarted = true;
    }
    if (!chainStarted) {
      return; // legacy line: its accesses are in metadata.json's access_count already
    }
    JsonNode id = n.get("secret_id");
    JsonNode action = n.get("action");
    JsonNode success = n.get("success");
    JsonNode ts = n.get("timestamp");
    if (id != null && id.isString() && action != null && action.isString() && success != null && success.isBoolean()) {
      Instant t = ts != null && ts.isNumber() ? StoreJson.instant(ts) : null;
      count(id.stringValue(), action.stringValue(), success.booleanValue(), t);
    }
  }

  private static JsonNode parse(byte[] data, int off, int len) {
    try {
      return StoreJson.COMPACT.readTree(new java.io.ByteArrayInputStream(data, off, len));
    } catch (JacksonException e) {
      return null;
    }
  }

  static String formatLine(Instant now, String secretIdOrNull, String service, String action, boolean success,
      String reasonOrNull, String prevHash) {
    StringBuilder sb = new StringBuilder(256);
    BigDecimal epoch = BigDecimal.valueOf(now.getEpochSecond()).add(BigDecimal.valueOf(now.getNano() / 1000, 6));
    sb.append("{\"timestamp\":").append(epoch.toPlainString());
    sb.append(",\"datetime\":\"").append(now).append('"');
    sb.append(",\"secret_id\":");
    if (secretIdOrNull == null) {
      sb.append("null");
    } else {
      quote(sb, secretIdOrNull);
    }
    sb.append(",\"service\":");
    quote(sb, service);
    sb.append(",\"action\":");
    quote(sb, action);
    sb.append(",\"success\":").append(success);
    sb.append(",\"metadata\":{");
    if (reasonOrNull != null) {
      sb.append("\"reason\":");
      quote(sb, reasonOrNull);
    }
    sb.append("},\"prev_hash\":\"").append(prevHash).append("\"}");
    return sb.toString();
  }

  private static void quote(StringBuilder sb, String s) {
    sb.append('"');
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x2028 || c == 0x2029 || Character.isSurrogate(c) && !validSurrogateAt(s, i)) {
            sb.append(String.format("\\u%04x", (int) c));
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
  }

  private static boolean validSurrogateAt(String s, int i) {
    char c = s.charAt(i);
    if (Character.isHighSurrogate(c)) {
      return i + 1 < s.length() && Character.isLowSurrogate(s.charAt(i + 1));
    }
    return i > 0 && Character.isHighSurrogate(s.charAt(i - 1));
  }

  // ---- reading and verifying ------------------------------------------------------------------

  private List<byte[]> completeLines() {
    byte[] all = VaultFiles.readOrNull(file);
    List<byte[]> lines = new ArrayList<>();
    if (all == null) {
      return lines;
    }
    int start = 0;
    for (int i = 0; i < all.length; i++) {
      if (all[i] == '\n') {
        lines.add(java.util.Arrays.copyOfRange(all, start, i));
        start = i + 1;
      }
    }
    return lines; // a torn last line (no line break) is not an entry yet
  }

  List<AuditEntry> read(String secretIdOrNull, int limit) {
    Deque<AuditEntry> out = new ArrayDeque<>();
    for (byte[] line : completeLines()) {
      JsonNode n = parse(line, 0, line.length);
      if (n == null || !n.isObject()) {
        continue;
      }
      JsonNode idNode = n.get("secret_id");
      String id = idNode != null && idNode.isString() ? idNode.stringValue() : null;
      if (secretIdOrNull != null && !secretIdOrNull.equals(id)) {
        continue;
      }
      JsonNode ts = n.get("timestamp");
      Instant t;
      try {
        t = ts != null && ts.isNumber() ? StoreJson.instant(ts) : Instant.EPOCH;
      } catch (RuntimeException e) {
        t = Instant.EPOCH;
      }
      JsonNode meta = n.get("metadata");
      JsonNode reason = meta != null && meta.isObject() ? meta.get("reason") : null;
      out.addLast(new AuditEntry(t, id, text(n.get("service")), text(n.get("action")),
          n.get("success") != null && n.get("success").asBoolean(false),
          reason != null && reason.isString() ? reason.stringValue() : null));
      if (out.size() > limit) {
        out.removeFirst();
      }
    }
    return List.copyOf(out);
  }

  private static String text(JsonNode n) {
    return n == null || n.isNull() ? "" : n.isString() ? n.stringValue() : n.toString();
  }

  AuditVerification verify() {
    List<byte[]> lines = completeLines();
    List<String> hashes = new ArrayList<>(lines.size());
    MessageDigest md = newSha256();
    String prevHash = ZERO_HASH;
    boolean started = false;
    long legacy = 0;
    long mutationLines = 0;
    for (int i = 0; i < lines.size(); i++) {
      byte[] line = lines.get(i);
      int lineNo = i + 1;
      JsonNode n = parse(line, 0, line.length);
      if (n == null || !n.isObject()) {
        return new AuditVerification(false, lines.size(), legacy,
            "line " + lineNo + " is not a JSON object (edited or damaged)");
      }
      JsonNode ph = n.get("prev_hash");
      if (ph == null) {
        if (started) {
          return new AuditVerification(false, lines.size(), legacy, "line " + lineNo
              + " has no prev_hash although the chain started earlier (a line was inserted or edited)");
        }
        legacy++;
      } else {
        started = true;
        JsonNode action = n.get("action");
        if (action != null && action.isString() && MUTATIONS.contains(action.stringValue())) {
          mutationLines++;
        }
        if (!ph.isString() || !ph.stringValue().equals(prevHash)) {
          return new AuditVerification(false, lines.size(), legacy, "line " + lineNo
              + ": prev_hash does not match the SHA-256 of " + (i == 0 ? "an empty log" : "line " + i)
              + "; a line at or before line " + lineNo + " was edited, inserted or deleted");
        }
      }
      prevHash = HexFormat.of().formatHex(md.digest(line));
      hashes.add(prevHash);
    }
    String headProblem = checkHead(hashes, mutationLines);
    return new AuditVerification(headProblem == null, lines.size(), legacy, headProblem);
  }

  /** Null when audit.head is absent or vouches for a prefix of the log, else the problem. */
  private String checkHead(List<String> hashes, long mutationLines) {
    byte[] bytes = VaultFiles.readOrNull(headFile);
    if (bytes == null) {
      return mutationLines == 0 ? null // a reference store, or no mutation yet
          : headFile + " is missing although the log holds " + mutationLines + " mutation entries (it was deleted)";
    }
    JsonNode n = parse(bytes, 0, bytes.length);
    if (n == null || !n.isObject() || n.get("lines") == null || !n.get("lines").isIntegralNumber()
        || n.get("last_hash") == null || !n.get("last_hash").isString() || n.get("mac") == null || !n.get("mac").isString()) {
      return headFile + " is damaged (not the expected JSON object)";
    }
    long count = n.get("lines").longValue();
    String hash = n.get("last_hash").stringValue();
    if (!MessageDigest.isEqual(headMac(count, hash).getBytes(StandardCharsets.US_ASCII),
        n.get("mac").stringValue().getBytes(StandardCharsets.US_ASCII))) {
      return headFile + " failed authentication (HMAC mismatch): it was modified or written for another store";
    }
    if (count > hashes.size()) {
      return "the log has " + hashes.size() + " lines, but " + headFile + " vouches for " + count
          + ": lines were removed from its end";
    }
    if (count > 0 && !hashes.get((int) count - 1).equals(hash)) {
      return "line " + count + " differs from the one " + headFile + " vouches for: the log was rewritten at or before line "
          + count + " (its hash chain was recomputed)";
    }
    return null;
  }

  Path file() {
    return file;
  }
}
