package io.ipfskit.server.bench;

import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.ipfs.IpfsBackend;
import io.ipfskit.core.storage.ipfs.IpfsConfig;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * The IPFS rows of {@link BackendsBench}: ipfs-kit's {@link IpfsBackend} against the same node's
 * RPC called directly with the JDK's HTTP client (multipart body streamed from the file, {@code cat}
 * streamed to a file), with the same {@code add} parameters the backend sends.
 */
public final class IpfsRows implements BackendsBench.RowSource {
  private static final Pattern HASH = Pattern.compile("\"Hash\"\\s*:\\s*\"([^\"]+)\"");
  private static final String ADD_QUERY = "cid-version=1&raw-leaves=true&cid-base=base32&pin=true&progress=false";

  private final URI api;
  private final IpfsBackend backend;
  private final HttpClient http = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1)
      .connectTimeout(Duration.ofSeconds(10)).build();

  public IpfsRows(URI api) {
    this.api = api;
    this.backend = IpfsBackend.open(new IpfsConfig(api, Duration.ofSeconds(120), true));
  }

  @Override
  public String name() {
    return "ipfs";
  }

  @Override
  public String directLabel() {
    return "direct node RPC (JDK HttpClient)";
  }

  @Override
  public StorageBackend backend() {
    return backend;
  }

  @Override
  public String directAdd(Path file) throws IOException, InterruptedException {
    String boundary = "ipfs-kit-bench-" + UUID.randomUUID();
    String head = "--" + boundary + "\r\nContent-Disposition: form-data; name=\"file\"; filename=\"file\"\r\n"
        + "Content-Type: application/octet-stream\r\n\r\n";
    String tail = "\r\n--" + boundary + "--\r\n";
    HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/api/v0/add?" + ADD_QUERY))
        .header("Content-Type", "multipart/form-data; boundary=" + boundary)
        .timeout(Duration.ofMinutes(2))
        .POST(HttpRequest.BodyPublishers.concat(HttpRequest.BodyPublishers.ofString(head, StandardCharsets.UTF_8),
            HttpRequest.BodyPublishers.ofFile(file), HttpRequest.BodyPublishers.ofString(tail, StandardCharsets.UTF_8)))
        .build();
    HttpResponse<String> r = http.send(req, HttpResponse.BodyHandlers.ofString());
    Matcher m = HASH.matcher(r.body());
    if (r.statusCode() != 200 || !m.find()) throw new IOException("add answered " + r.statusCode() + ": " + r.body());
    return m.group(1);
  }

  @Override
  public void directGet(String id, Path out) throws IOException, InterruptedException {
    HttpRequest req = HttpRequest.newBuilder(URI.create(api + "/api/v0/cat?arg=" + id))
        .timeout(Duration.ofMinutes(2)).POST(HttpRequest.BodyPublishers.noBody()).build();
    HttpResponse<Path> r = http.send(req, HttpResponse.BodyHandlers.ofFile(out));
    if (r.statusCode() != 200) throw new IOException("cat answered " + r.statusCode());
  }

  @Override
  public void close() {
    backend.close();
  }
}
