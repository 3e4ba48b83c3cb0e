package io.ipfskit.server.http;

import jakarta.servlet.ServletOutputStream;
import jakarta.servlet.WriteListener;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.HttpServletResponseWrapper;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStreamWriter;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;

/**
 * Makes every error body a short JSON-RPC error (see {@link JsonErrors}).
 *
 * <ul>
 *   <li>{@code sendError} never reaches the container's error page: the JSON body is written here.
 *   <li>A body written after an error status was set (the SDK's {@code responseError}) is buffered;
 *       {@link #finish()} then writes, on the MCP endpoint, the JSON-RPC error it holds (code and
 *       message only); elsewhere the servlet's own body is kept unless it shows Java internals
 *       (a stack trace, an exception class name), which it replaces.
 * </ul>
 *
 * <p>Not thread-safe: used by the request's thread only, as servlet responses are, up to
 * {@link #finish()}; a response that went asynchronous (an SSE stream, status 200) is never
 * buffered.
 */
final class ErrorBodyResponse extends HttpServletResponseWrapper {

  private final boolean mcpEndpoint;
  private int status = SC_OK;
  private ByteArrayOutputStream buffer;
  private PrintWriter bufferWriter;
  private boolean errorWritten;
  private PrintWriter rawWriter; // when the servlet took the real writer before any error

  ErrorBodyResponse(HttpServletResponse response, boolean mcpEndpoint) {
    super(response);
    this.mcpEndpoint = mcpEndpoint;
  }

  @Override
  public void setStatus(int sc) {
    status = sc;
    super.setStatus(sc);
  }

  @Override
  public void reset() {
    super.reset();
    status = SC_OK;
    buffer = null;
    bufferWriter = null;
    errorWritten = false;
  }

  @Override
  public int getStatus() {
    return status;
  }

  @Override
  public void sendError(int sc) throws IOException {
    sendError(sc, null);
  }

  @Override
  public void sendError(int sc, String msg) throws IOException {
    if (isCommitted()) throw new IllegalStateException("the response is already committed");
    writeError(sc, JsonErrors.body(sc, msg));
  }

  /** Writes {@code body} as the whole response with status {@code sc}; later writes are dropped. */
  void writeError(int sc, byte[] body) throws IOException {
    if (isCommitted()) return;
    status = sc;
    super.resetBuffer();
    super.setStatus(sc);
    super.setContentType("application/json");
    super.setCharacterEncoding("UTF-8");
    super.setContentLength(body.length);
    errorWritten = true;
    buffer = null;
    bufferWriter = null;
    if (rawWriter != null) {
      rawWriter.write(new String(body, StandardCharsets.UTF_8));
      rawWriter.flush();
    } else {
      ServletOutputStream out = super.getOutputStream();
      out.write(body);
      out.flush();
    }
  }

  @Override
  public ServletOutputStream getOutputStream() throws IOException {
    if (errorWritten) return new Sink(new ByteArrayOutputStream());
    if (status >= 400) return new Sink(buffer());
    return super.getOutputStream();
  }

  @Override
  public PrintWriter getWriter() throws IOException {
    if (errorWritten) return new PrintWriter(new ByteArrayOutputStream());
    if (status >= 400) {
      if (bufferWriter == null) bufferWriter = new PrintWriter(new OutputStreamWriter(buffer(), StandardCharsets.UTF_8));
      return bufferWriter;
    }
    if (rawWriter == null) rawWriter = super.getWriter();
    return rawWriter;
  }

  private ByteArrayOutputStream buffer() {
    if (buffer == null) buffer = new ByteArrayOutputStream();
    return buffer;
  }

  /** True once an error body was written (by {@code sendError} or {@link #finish()}). */
  boolean errorWritten() {
    return errorWritten;
  }

  /** Writes the buffered error body, cleaned; call once the servlet returned (not for async responses). */
  void finish() throws IOException {
    if (errorWritten || buffer == null) return;
    if (bufferWriter != null) bufferWriter.flush();
    byte[] written = buffer.toByteArray();
    buffer = null;
    byte[] body;
    if (mcpEndpoint) {
      body = JsonErrors.fromSdkBody(status, written);
    } else if (written.length == 0 || JsonErrors.leaksJavaInternals(written)) {
      body = JsonErrors.body(status, null);
    } else {
      // The servlet's own error body (e.g. the REST API's), kept as it was written.
      super.setContentLength(written.length);
      super.getOutputStream().write(written);
      return;
    }
    writeError(status, body);
  }

  /** An output stream into a byte buffer. */
  private static final class Sink extends ServletOutputStream {
    private final ByteArrayOutputStream to;

    Sink(ByteArrayOutputStream to) {
      this.to = to;
    }

    @Override
    public void write(int b) {
      to.write(b);
    }

    @Override
    public void write(byte[] b, int off, int len) {
      to.write(b, off, len);
    }

    @Override
    public boolean isReady() {
      return true;
    }

    @Override
    public void setWriteListener(WriteListener listener) {
      throw new UnsupportedOperationException("error bodies are written blocking");
    }
  }
}
