package io.ipfskit.server.wal;

import java.io.Closeable;
import java.io.EOFException;
import java.io.IOException;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;

/**
 * One owner-socket connection speaking length-prefixed frames: a 4-byte big-endian length, then
 * that many bytes of UTF-8 JSON. Every read and write takes an absolute deadline ({@link
 * System#nanoTime} based), because Unix-domain socket channels have no SO_TIMEOUT: the channel is
 * non-blocking and waits in a private selector. Not thread-safe; one thread per connection.
 */
final class FrameChannel implements Closeable {
  static final int MAX_FRAME_BYTES = 64 << 20;

  private final SocketChannel channel;
  private final Selector selector;

  FrameChannel(SocketChannel channel) throws IOException {
    this.channel = channel;
    channel.configureBlocking(false);
    this.selector = Selector.open();
  }

  SocketChannel channel() {
    return channel;
  }

  void write(byte[] payload, long deadlineNanos) throws IOException {
    ByteBuffer buf = ByteBuffer.allocate(4 + payload.length);
    buf.putInt(payload.length).put(payload).flip();
    while (buf.hasRemaining()) {
      if (channel.write(buf) == 0) await(SelectionKey.OP_WRITE, deadlineNanos);
    }
  }

  /**
   * @throws EOFException if the peer closed the connection (before or inside a frame)
   * @throws SocketTimeoutException if the deadline passed first
   */
  byte[] read(long deadlineNanos) throws IOException {
    ByteBuffer len = ByteBuffer.allocate(4);
    fill(len, deadlineNanos);
    int n = len.flip().getInt();
    if (n < 0 || n > MAX_FRAME_BYTES) {
      throw new IOException("frame length must be between 0 and " + MAX_FRAME_BYTES + " bytes, but was " + n);
    }
    ByteBuffer body = ByteBuffer.allocate(n);
    fill(body, deadlineNanos);
    return body.array();
  }

  private void fill(ByteBuffer buf, long deadlineNanos) throws IOException {
    while (buf.hasRemaining()) {
      int r = channel.read(buf);
      if (r < 0) throw new EOFException("owner socket closed by the peer");
      if (r == 0) await(SelectionKey.OP_READ, deadlineNanos);
    }
  }

  private void await(int op, long deadlineNanos) throws IOException {
    long leftNanos = deadlineNanos - System.nanoTime();
    if (leftNanos <= 0) throw new SocketTimeoutException("owner socket: no progress before the deadline");
    SelectionKey key = channel.register(selector, op);
    try {
      selector.select(Math.max(1, leftNanos / 1_000_000));
    } finally {
      key.interestOps(0);
      selector.selectedKeys().clear();
    }
  }

  @Override
  public void close() throws IOException {
    try {
      selector.close();
    } finally {
      channel.close();
    }
  }
}
