package io.ipfskit.server.http;

import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

/**
 * A request whose body may not exceed {@code maxBytes}: reading past the limit throws {@link
 * TooLarge} and marks the request, so the filter answers 413 even when the servlet swallowed the
 * exception. Used for bodies without a {@code Content-Length} (chunked); a declared length over the
 * limit is refused before the servlet runs. Not thread-safe (one request thread).
 */
final class BodyLimitRequest extends HttpServletRequestWrapper {

  /** Thrown by a read past the limit. */
  static final class TooLarge extends IOException {
    TooLarge(long maxBytes) {
      super("the request body exceeds " + maxBytes + " bytes");
    }
  }

  private final long maxBytes;
  private ServletInputStream stream;
  private BufferedReader reader;
  private volatile boolean exceeded;

  BodyLimitRequest(HttpServletRequest request, long maxBytes) {
    super(request);
    this.maxBytes = maxBytes;
  }

  boolean exceeded() {
    return exceeded;
  }

  @Override
  public ServletInputStream getInputStream() throws IOException {
    if (reader != null) throw new IllegalStateException("getReader() was already called");
    if (stream == null) stream = new Counting(super.getInputStream());
    return stream;
  }

  @Override
  public BufferedReader getReader() throws IOException {
    if (reader == null) {
      if (stream != null) throw new IllegalStateException("getInputStream() was already called");
      String enc = getCharacterEncoding();
      Charset cs = enc == null ? StandardCharsets.UTF_8 : Charset.forName(enc);
      reader = new BufferedReader(new InputStreamReader(new Counting(super.getInputStream()), cs));
    }
    return reader;
  }

  private final class Counting extends ServletInputStream {
    private final ServletInputStream in;
    private long count;

    Counting(ServletInputStream in) {
      this.in = in;
    }

    private int counted(int n) throws TooLarge {
      if (n > 0) {
        count += n;
        if (count > maxBytes) {
          exceeded = true;
          throw new TooLarge(maxBytes);
        }
      }
      return n;
    }

    @Override
    public int read() throws IOException {
      int b = in.read();
      if (b >= 0) counted(1);
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      return counted(in.read(b, off, len));
    }

    @Override
    public boolean isFinished() {
      return in.isFinished();
    }

    @Override
    public boolean isReady() {
      return in.isReady();
    }

    @Override
    public void setReadListener(ReadListener listener) {
      in.setReadListener(listener);
    }
  }
}
