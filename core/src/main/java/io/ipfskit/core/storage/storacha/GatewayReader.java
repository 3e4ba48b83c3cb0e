package io.ipfskit.core.storage.storacha;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.URI;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.apache.hc.client5.http.HttpHostConnectException;
import org.apache.hc.client5.http.classic.methods.HttpGet;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.config.RequestConfig;
import org.apache.hc.client5.http.impl.classic.CloseableHttpClient;
import org.apache.hc.client5.http.impl.classic.HttpClients;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.core5.http.HttpEntity;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * Reads content from a path-style IPFS gateway: {@code GET <gateway>/ipfs/<cid>}, the body streamed to
 * the caller. Apache HttpClient 5 (already the ipfs backend's client) rather than the JDK's
 * {@code java.net.http.HttpClient}: the JDK client has a connect timeout and a timeout until the
 * answer's headers, but none while the body streams, so a gateway stalling mid-file would hang a get
 * forever; HttpClient 5's socket timeout bounds every wait between bytes. Redirects are followed
 * (public gateways send path-style requests on to {@code <cid>.ipfs.<host>}).
 *
 * <p>Answers: 200 → the body; 404/410 → NOT_FOUND; 408, 429, 5xx → TRANSIENT; other statuses →
 * PERMANENT; connection refused / unknown host → UNAVAILABLE; timeouts and broken streams → TRANSIENT.
 *
 * <p>Thread-safe (the pooled client is). {@link #close()} closes the pool.
 */
final class GatewayReader implements AutoCloseable {
  private static final int MAX_CONNECTIONS = 16;
  private static final int MAX_ERROR_BODY_BYTES = 512;

  /** Consumes the answer body; an {@link IOException} it throws that is not a StorageException is the gateway's. */
  @FunctionalInterface
  interface Body {
    void accept(InputStream in) throws IOException;
  }

  private final URI gateway;
  private final PoolingHttpClientConnectionManager pool;
  private final CloseableHttpClient client;

  GatewayReader(URI gateway, Duration timeout) {
    this.gateway = gateway;
    Timeout t = Timeout.ofMilliseconds(timeout.toMillis());
    this.pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(t)
            .setSocketTimeout(t)
            .setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
            .build())
        .setMaxConnTotal(MAX_CONNECTIONS)
        .setMaxConnPerRoute(MAX_CONNECTIONS)
        .build();
    this.client = HttpClients.custom()
        .setConnectionManager(pool)
        .setDefaultRequestConfig(RequestConfig.custom().setResponseTimeout(t).setConnectionRequestTimeout(t).build())
        .disableAutomaticRetries() // the WAL retries whole operations
        .disableCookieManagement()
        .disableAuthCaching()
        .build();
  }

  /** GETs {@code cid} (canonical) and hands the 200 body to {@code body}. */
  void read(String cid, Body body) throws StorageException {
    HttpGet get = new HttpGet(gateway.resolve("/ipfs/" + cid));
    try {
      client.execute(get, response -> {
        int status = response.getCode();
        HttpEntity entity = response.getEntity();
        if (status != 200) throw new StatusFailure(status, entity == null ? "" : errorText(entity));
        try (InputStream in = entity.getContent()) {
          body.accept(in);
        }
        return null;
      });
    } catch (StatusFailure f) {
      throw fromStatus(cid, f.status, f.text);
    } catch (StorageException e) {
      throw e;
    } catch (IOException e) {
      throw fromIo(cid, e);
    }
  }

  private StorageException fromStatus(String cid, int status, String text) {
    if (status == 404 || status == 410) return new ContentNotFoundException(StorachaBackend.NAME, cid);
    String m = "storacha get of " + cid + " from the gateway " + gateway + " answered HTTP " + status
        + (text.isBlank() ? "" : ": " + StorachaErrors.scrub(text));
    StorageErrorClass c = status == 408 || status == 429 || status >= 500 ? StorageErrorClass.TRANSIENT
        : StorageErrorClass.PERMANENT;
    return new StorageException(m, c);
  }

  private StorageException fromIo(String cid, IOException e) {
    String m = "storacha get of " + cid + " from the gateway " + gateway + " failed: " + e.getClass().getSimpleName()
        + (e.getMessage() == null ? "" : ": " + StorachaErrors.scrub(e.getMessage()));
    if (e instanceof HttpHostConnectException || e instanceof ConnectException || e instanceof UnknownHostException
        || e instanceof NoRouteToHostException)
      return new BackendUnavailableException(m, e);
    return new StorageException(m, StorageErrorClass.TRANSIENT, e);
  }

  private static String errorText(HttpEntity entity) throws IOException {
    try (InputStream in = entity.getContent()) {
      return in == null ? "" : new String(in.readNBytes(MAX_ERROR_BODY_BYTES), StandardCharsets.UTF_8).strip();
    }
  }

  @Override
  public void close() {
    try {
      client.close(CloseMode.GRACEFUL);
    } finally {
      pool.close(CloseMode.IMMEDIATE);
    }
  }

  /** A non-200 answer, carried out of the response handler. */
  private static final class StatusFailure extends IOException {
    private static final long serialVersionUID = 1L;
    final int status;
    final String text;

    StatusFailure(int status, String text) {
      super("HTTP " + status);
      this.status = status;
      this.text = text;
    }
  }
}
