package io.ipfskit.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * HTTP/1.1 over a plain socket, for what {@code java.net.http} refuses to send (a forged {@code Host}
 * header, a body without a length). One request per connection ({@code Connection: close}).
 */
public final class RawHttp {

  /** A response: status, headers (lower-case names) and the body (chunked bodies decoded). */
  public record Response(int status, Map<String, String> headers, String body) {}

  private RawHttp() {}

  /** Sends {@code head} (request line and headers, CRLF-separated, without the blank line) and {@code body}. */
  public static Response send(int port, String head, byte[] body) throws IOException {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
      s.setSoTimeout(30_000);
      OutputStream out = s.getOutputStream();
      out.write((head + "\r\nConnection: close\r\n\r\n").getBytes(UTF_8));
      if (body != null) {
        try {
          out.write(body);
        } catch (IOException closedEarly) {
          // the server may answer (413) and close before reading everything
        }
      }
      out.flush();
      byte[] all = readAll(s.getInputStream());
      return parse(new String(all, UTF_8));
    }
  }

  private static byte[] readAll(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    byte[] buf = new byte[8192];
    try {
      for (int n; (n = in.read(buf)) > 0; ) b.write(buf, 0, n);
    } catch (java.net.SocketException reset) {
      // a reset after the response (server closed with unread input) still leaves the response read
    }
    return b.toByteArray();
  }

  static Response parse(String raw) {
    String text = raw;
    while (text.startsWith("HTTP/1.1 100")) text = text.substring(text.indexOf("\r\n\r\n") + 4);
    int end = text.indexOf("\r\n\r\n");
    if (end < 0) throw new IllegalStateException("no complete response head in: " + raw);
    String[] lines = text.substring(0, end).split("\r\n");
    int status = Integer.parseInt(lines[0].split(" ")[1]);
    Map<String, String> headers = new LinkedHashMap<>();
    for (int i = 1; i < lines.length; i++) {
      int c = lines[i].indexOf(':');
      headers.merge(lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT), lines[i].substring(c + 1).trim(),
          (a, b) -> a + ", " + b);
    }
    String body = text.substring(end + 4);
    if ("chunked".equalsIgnoreCase(headers.get("transfer-encoding"))) body = dechunk(body);
    return new Response(status, headers, body);
  }

  private static String dechunk(String s) {
    StringBuilder out = new StringBuilder();
    int i = 0;
    while (i < s.length()) {
      int eol = s.indexOf("\r\n", i);
      if (eol < 0) break;
      int size = Integer.parseInt(s.substring(i, eol).trim(), 16);
      if (size == 0) break;
      out.append(s, eol + 2, Math.min(s.length(), eol + 2 + size));
      i = eol + 2 + size + 2;
    }
    return out.toString();
  }
}
