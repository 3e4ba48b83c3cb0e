package io.ipfskit.core.wal;

import java.nio.charset.StandardCharsets;
import java.util.Arrays;

/** A growable big-endian byte sink for encoding records; one per thread, reused. Not thread-safe. */
final class Bytes {
  byte[] buf;
  int pos;

  Bytes(int initial) {
    buf = new byte[initial];
  }

  void reset() {
    pos = 0;
  }

  private void ensure(int n) {
    if (pos + n > buf.length) buf = Arrays.copyOf(buf, Math.max(buf.length * 2, pos + n));
  }

  void put(byte b) {
    ensure(1);
    buf[pos++] = b;
  }

  void putInt(int v) {
    ensure(4);
    setInt(pos, v);
    pos += 4;
  }

  void setInt(int at, int v) {
    buf[at] = (byte) (v >>> 24);
    buf[at + 1] = (byte) (v >>> 16);
    buf[at + 2] = (byte) (v >>> 8);
    buf[at + 3] = (byte) v;
  }

  void putLong(long v) {
    ensure(8);
    setLong(pos, v);
    pos += 8;
  }

  void setLong(int at, long v) {
    for (int i = 7; i >= 0; i--) {
      buf[at + i] = (byte) v;
      v >>>= 8;
    }
  }

  void putBytes(byte[] b) {
    putInt(b.length);
    ensure(b.length);
    System.arraycopy(b, 0, buf, pos, b.length);
    pos += b.length;
  }

  void putString(String s) {
    if (s == null) {
      putInt(-1);
      return;
    }
    int n = s.length();
    ensure(4 + n);
    int start = pos + 4;
    for (int i = 0; i < n; i++) { // one pass: copy while checking for ASCII (then UTF-8 = the chars)
      char c = s.charAt(i);
      if (c >= 0x80) {
        putBytes(s.getBytes(StandardCharsets.UTF_8));
        return;
      }
      buf[start + i] = (byte) c;
    }
    putInt(n);
    pos += n;
  }
}
