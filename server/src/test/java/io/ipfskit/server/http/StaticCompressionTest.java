package io.ipfskit.server.http;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.NullSource;
import org.junit.jupiter.params.provider.ValueSource;

/**
 * Static files on a real Jetty: a file with a gzip twin ({@code app.js.gz}, as {@code dashboard/build.sh}
 * writes them) goes out compressed to a client that accepts gzip and plain to one that does not; a
 * file without a twin always goes out plain. ({@code java.net.http} never decompresses by itself,
 * so these see the bytes on the wire.)
 */
class StaticCompressionTest {
  static final String TOKEN = "test-token-0123456789abcdef";

  @TempDir Path dir;
  HttpServer server;
  final HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  byte[] script;

  @BeforeEach
  void start() throws IOException {
    StringBuilder js = new StringBuilder();
    for (int i = 0; i < 2000; i++) js.append("console.log('dashboard line ").append(i).append("');\n");
    script = js.toString().getBytes(UTF_8);
    Files.write(dir.resolve("app.js"), script);
    Files.write(dir.resolve("app.js.gz"), gzip(script));
    Files.writeString(dir.resolve("index.html"), "<!doctype html><title>ipfs-kit</title>" + "<p>x</p>".repeat(200));
    server = HttpServer.builder().token(TOKEN).port(0).mcp("test", "1", java.util.List.of()).staticDir(dir).build().start();
  }

  @AfterEach
  void stop() {
    if (server != null) server.shutdown();
  }

  HttpResponse<byte[]> get(String path, String acceptEncoding) throws Exception {
    HttpRequest.Builder r = HttpRequest.newBuilder(URI.create(server.baseUrl() + path)).timeout(Duration.ofSeconds(30)).GET();
    if (acceptEncoding != null) r.header("Accept-Encoding", acceptEncoding);
    return client.send(r.build(), HttpResponse.BodyHandlers.ofByteArray());
  }

  @Test
  void get_gzipAccepted_sendsTheGzipTwinWithContentEncodingAndVary() throws Exception {
    HttpResponse<byte[]> r = get("/app.js", "gzip, deflate, br");
    assertEquals(200, r.statusCode());
    assertEquals("gzip", r.headers().firstValue("Content-Encoding").orElse(null));
    assertTrue(r.headers().allValues("Vary").stream().anyMatch(v -> v.contains("Accept-Encoding")), r.headers().map().toString());
    assertTrue(r.headers().firstValue("Content-Type").orElse("").contains("javascript"), r.headers().map().toString());
    assertTrue(r.body().length < script.length / 4, "compressed on the wire: " + r.body().length + " of " + script.length);
    assertArrayEquals(script, gunzip(r.body()));
  }

  /** No Accept-Encoding, or only encodings other than gzip: the plain file. */
  @ParameterizedTest
  @NullSource
  @ValueSource(strings = {"br", "identity", "gzip;q=0, br"})
  void get_gzipNotAccepted_sendsThePlainFile(String acceptEncoding) throws Exception {
    HttpResponse<byte[]> r = get("/app.js", acceptEncoding);
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Encoding").isEmpty(), r.headers().map().toString());
    assertArrayEquals(script, r.body());
  }

  @Test
  void get_fileWithoutTwin_plainEvenWhenGzipAccepted() throws Exception {
    HttpResponse<byte[]> r = get("/", "gzip");
    assertEquals(200, r.statusCode());
    assertTrue(r.headers().firstValue("Content-Encoding").isEmpty(), r.headers().map().toString());
    assertTrue(new String(r.body(), UTF_8).startsWith("<!doctype html>"));
  }

  static byte[] gzip(byte[] plain) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    try (GZIPOutputStream z = new GZIPOutputStream(out)) {
      z.write(plain);
    }
    return out.toByteArray();
  }

  static byte[] gunzip(byte[] packed) throws IOException {
    try (GZIPInputStream z = new GZIPInputStream(new ByteArrayInputStream(packed))) {
      return z.readAllBytes();
    }
  }
}
