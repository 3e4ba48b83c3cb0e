package io.ipfskit.core.storage.ipfs;

import static java.nio.charset.StandardCharsets.UTF_8;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.StorageException;
import java.io.ByteArrayOutputStream;
import java.io.FilterInputStream;
import java.io.FilterOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.apache.hc.client5.http.classic.methods.HttpPost;
import org.apache.hc.client5.http.config.ConnectionConfig;
import io.ipfskit.core.storage.LeaseTracker;
import io.ipfskit.core.storage.PoolConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.IdleConnectionEvictor;
import org.apache.hc.client5.http.entity.mime.InputStreamBody;
import org.apache.hc.client5.http.entity.mime.MultipartEntityBuilder;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.ClassicHttpResponse;
import org.apache.hc.core5.http.ContentType;
import org.apache.hc.core5.http.Header;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.net.URIBuilder;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import tools.jackson.databind.JsonNode;

/**
 * One Kubo RPC API ({@code POST /api/v0/<command>?arg=...}) over Apache HttpClient 5's classic API
 * with a connection pool. Every call has client timeouts (connect, and between answer bytes);
 * look-up calls also send the node {@code timeout=} so a node that cannot find a block answers
 * instead of searching forever (js-ipfs offline otherwise never answers {@code cat} of a missing
 * block). The client waits {@link #GRACE} longer than the node so the node's own answer arrives
 * first. Failures are classified by {@link KuboFailures}.
 *
 * <p>Thread-safe (the pooled client is). The caller closes it.
 */
final class KuboRpc implements AutoCloseable {
  /** How much longer the client waits than the node is asked to. */
  static final Duration GRACE = Duration.ofSeconds(5);
  /** The largest JSON answer read into memory (answers here are about one CID; a larger one is wrong). */
  static final int MAX_ANSWER_BYTES = 16 << 20;
  private final String node;
  private final Duration timeout;
  private final PoolingHttpClientConnectionManager pool;
  private final MeteredConnectionManager metered;
  private final CloseableHttpClient client;
  private final IdleConnectionEvictor evictor;

  /** The default pool ({@link PoolConfig#DEFAULTS}) waiting up to {@code timeout} for a connection; no lease tracking. */
  KuboRpc(URI api, Duration timeout) {
    this(api, timeout, PoolConfig.DEFAULTS.maxConnections());
  }

  /** A pool of {@code maxConnections} waiting up to {@code timeout} for a connection; no lease tracking. */
  KuboRpc(URI api, Duration timeout, int maxConnections) {
    this(api, timeout, new PoolConfig(maxConnections, maxConnections, timeout, PoolConfig.DEFAULTS.maxLifetime(),
        PoolConfig.DEFAULTS.maxIdle()), LeaseTracker.NONE);
  }

  /**
   * @param pool the pool's size, connection wait, lifetime and idle eviction ({@code IPFS_KIT_POOL_*})
   * @param leases where each pooled connection is registered while a call holds it
   */
  KuboRpc(URI api, Duration timeout, PoolConfig pool, LeaseTracker leases) {
    this.node = api.toString();
    this.timeout = timeout;
    Timeout read = Timeout.ofMilliseconds(timeout.plus(GRACE).toMillis());
    this.pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(Timeout.ofMilliseconds(timeout.toMillis()))
            .setSocketTimeout(read)
            // A node restarted since the connection was pooled: check before reuse instead of
            // failing the next call on a dead connection.
            .setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
            // Recycled after its lifetime even when busy all along (checked when it goes back to the pool).
            .setTimeToLive(TimeValue.ofMilliseconds(pool.maxLifetime().toMillis()))
            .build())
        .setMaxConnTotal(pool.maxConnections())
        .setMaxConnPerRoute(pool.maxPerRoute())
        .build();
    this.metered = new MeteredConnectionManager("ipfs", this.pool, System::nanoTime, leases);
    this.client = HttpClients.custom()
        .setConnectionManager(metered)
        .setDefaultRequestConfig(RequestConfig.custom()
            .setResponseTimeout(read)
            .setConnectionRequestTimeout(Timeout.ofMilliseconds(pool.acquireTimeout().toMillis()))
            .build())
        .disableAutomaticRetries() // a streamed add cannot be repeated; the WAL retries whole operations
        .disableRedirectHandling()
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
    // The builder's own evictor only runs on a pool it can control, which the metered wrapper is not:
    // one daemon thread per client closes the pool's expired and idle connections itself.
    TimeValue idle = TimeValue.ofMilliseconds(pool.maxIdle().toMillis());
    this.evictor = new IdleConnectionEvictor(this.pool, idle, idle);
    this.evictor.start();
  }

  String node() {
    return node;
  }

  Duration timeout() {
    return timeout;
  }

  /** The connection pool's figures now. */
  io.ipfskit.core.storage.PoolStats poolStats() {
    return metered.stats();
  }

  /** Runs {@code command} and reads its (bounded) answer as text. */
  String call(String command, Map<String, String> query, String cid, boolean lookup) throws StorageException {
    HttpPost post = new HttpPost(uri(command, query, lookup));
    try {
      return client.execute(post, response -> {
        String body = readBounded(response.getEntity());
        if (response.getCode() != 200) throw new AnswerFailure(response.getCode(), body);
        return body;
      });
    } catch (AnswerFailure f) {
      throw KuboFailures.fromAnswer(node, command, cid, f.status, KuboAnswers.errorMessage(f.body), lookup ? timeout : null);
    } catch (IOException e) {
      throw ioFailure(command, e);
    }
  }

  /** {@link #call} with a JSON object answer. */
  JsonNode json(String command, Map<String, String> query, String cid, boolean lookup) throws StorageException {
    String body = call(command, query, cid, lookup);
    try {
      return KuboAnswers.tree(command, body);
    } catch (KuboAnswers.MalformedAnswerException e) {
      throw KuboFailures.malformed(node, e);
    }
  }

  /**
   * {@code add}: streams {@code content} as one multipart file part (chunked: its length is not
   * known beforehand) and returns the answer text. A failure of {@code content} itself (the file
   * could not be read, a cancel, the add limit) is thrown as itself, not as the node's failure.
   */
  String add(InputStream content, Map<String, String> query) throws IOException {
    TrackedInput in = new TrackedInput(content);
    HttpPost post = new HttpPost(uri("add", query, false));
    post.setEntity(MultipartEntityBuilder.create()
        .addPart("file", new InputStreamBody(in, ContentType.APPLICATION_OCTET_STREAM, "file"))
        .build());
    try {
      return client.execute(post, response -> {
        String body = readBounded(response.getEntity());
        if (response.getCode() != 200) throw new AnswerFailure(response.getCode(), body);
        return body;
      });
    } catch (AnswerFailure f) {
      if (in.failure != null) throw in.failure;
      throw KuboFailures.fromAnswer(node, "add", null, f.status, KuboAnswers.errorMessage(f.body), null);
    } catch (IOException e) {
      if (in.failure != null) throw in.failure;
      throw ioFailure("add", e);
    }
  }

  /**
   * {@code cat}: copies the content to {@code out} as it arrives (never whole in memory). A
   * failure of {@code out} (disk full, a cancel) is thrown as itself. An error the node reports
   * after it started sending ({@code X-Stream-Error} trailer) or an answer shorter than its
   * announced {@code X-Content-Length} is a transient failure.
   */
  void cat(String cid, OutputStream out) throws IOException {
    TrackedOutput sink = new TrackedOutput(out);
    HttpPost post = new HttpPost(uri("cat", Map.of("arg", cid), true));
    try {
      client.execute(post, response -> {
        HttpEntity entity = response.getEntity();
        if (response.getCode() != 200) throw new AnswerFailure(response.getCode(), readBounded(entity));
        long copied = 0;
        if (entity != null) {
          try (InputStream in = entity.getContent()) {
            byte[] buf = new byte[64 * 1024];
            for (int n; (n = in.read(buf)) >= 0; ) {
              sink.write(buf, 0, n);
              copied += n;
            }
          }
          String streamError = trailer(entity, "X-Stream-Error");
          if (streamError != null && !streamError.isBlank()) throw new AnswerFailure(500, streamError);
        }
        Header announced = response.getFirstHeader("X-Content-Length");
        if (announced != null && announced.getValue().matches("[0-9]{1,19}")
            && Long.parseLong(announced.getValue()) != copied)
          throw new AnswerFailure(500, "the answer ended after " + copied + " of " + announced.getValue() + " bytes");
        return null;
      });
    } catch (AnswerFailure f) {
      if (sink.failure != null) throw sink.failure;
      throw KuboFailures.fromAnswer(node, "cat", cid, f.status, KuboAnswers.errorMessage(f.body), timeout);
    } catch (IOException e) {
      if (sink.failure != null) throw sink.failure;
      throw ioFailure("cat", e);
    }
  }

  /**
   * The class of a call that got no complete answer. A connection that broke mid-call (broken
   * pipe, reset, closed before the answer) is checked with one fresh TCP connect: a node that now
   * refuses connections went away, which is {@code UNAVAILABLE} (the WAL waits for it without
   * spending a retry), not a one-off {@code TRANSIENT} failure.
   */
  private StorageException ioFailure(String command, IOException e) {
    StorageException classified = KuboFailures.fromIo(node, command, e, timeout.plus(GRACE));
    if (classified.errorClass() != io.ipfskit.core.storage.StorageErrorClass.TRANSIENT
        || e instanceof java.io.InterruptedIOException) return classified;
    URI u = URI.create(node);
    int port = u.getPort() >= 0 ? u.getPort() : "https".equalsIgnoreCase(u.getScheme()) ? 443 : 80;
    try (java.net.Socket probe = new java.net.Socket()) {
      probe.connect(new java.net.InetSocketAddress(u.getHost(), port), (int) Math.min(timeout.toMillis(), 2_000));
      return classified;
    } catch (IOException refused) {
      BackendUnavailableException gone = new BackendUnavailableException("cannot reach the ipfs node at " + node + " ("
          + command + "): the connection broke off (" + e.getMessage() + ") and the node refuses new connections", e);
      gone.addSuppressed(refused);
      return gone;
    }
  }

  @Override
  public void close() {
    evictor.shutdown();
    client.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
    pool.close(org.apache.hc.core5.io.CloseMode.IMMEDIATE);
  }

  private URI uri(String command, Map<String, String> query, boolean lookup) {
    try {
      URIBuilder b = new URIBuilder(node + "/api/v0/" + command);
      for (Map.Entry<String, String> e : new java.util.TreeMap<>(query).entrySet()) b.addParameter(e.getKey(), e.getValue());
      if (lookup) b.addParameter("timeout", timeout.toMillis() + "ms");
      return b.build();
    } catch (URISyntaxException e) {
      throw new IllegalStateException("cannot build the RPC URI of " + command, e);
    }
  }

  private static String readBounded(HttpEntity entity) throws IOException {
    if (entity == null) return "";
    try (InputStream in = entity.getContent()) {
      ByteArrayOutputStream out = new ByteArrayOutputStream();
      byte[] buf = new byte[8192];
      for (int n; (n = in.read(buf)) >= 0; ) {
        if (out.size() + n > MAX_ANSWER_BYTES) throw new IOException("answer larger than " + MAX_ANSWER_BYTES + " bytes");
        out.write(buf, 0, n);
      }
      return out.toString(UTF_8);
    }
  }

  private static String trailer(HttpEntity entity, String name) {
    org.apache.hc.core5.function.Supplier<List<? extends Header>> trailers = entity.getTrailers();
    if (trailers == null) return null;
    List<? extends Header> list = trailers.get();
    if (list == null) return null;
    for (Header h : list) if (h.getName().equalsIgnoreCase(name)) return h.getValue();
    return null;
  }

  /** A non-200 answer, carried out of the response handler (which closes the response). */
  private static final class AnswerFailure extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String body;

    AnswerFailure(int status, String body) {
      super("HTTP " + status);
      this.status = status;
      this.body = body;
    }
  }

  /** Remembers a failure of the caller's stream, so it is not mistaken for the node's. */
  private static final class TrackedInput extends FilterInputStream {
    IOException failure;

    TrackedInput(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      try {
        return super.read();
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      try {
        return super.read(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void close() {
      // the caller closes its stream
    }
  }

  private static final class TrackedOutput extends FilterOutputStream {
    IOException failure;

    TrackedOutput(OutputStream out) {
      super(out);
    }

    @Override
    public void write(byte[] b, int off, int len) throws IOException {
      try {
        out.write(b, off, len);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }

    @Override
    public void write(int b) throws IOException {
      try {
        out.write(b);
      } catch (IOException e) {
        failure = e;
        throw e;
      }
    }
  }
}
