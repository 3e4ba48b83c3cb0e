package io.ipfskit.core.storage.ipfs;

import io.ipfskit.core.storage.LatencyWindow;
import io.ipfskit.core.storage.LeaseTracker;
import io.ipfskit.core.storage.PoolStats;
import java.io.IOException;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.LongSupplier;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.io.LeaseRequest;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.core5.http.protocol.HttpContext;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;

/**
 * HttpClient 5's pooling connection manager with what it does not measure itself: how long each
 * connection request waited (a window of the latest {@link #WAIT_SAMPLES}) and how many got none in
 * time. A request that times out fails with the pool's figures (total, active, idle, waiting) in its
 * message, so an exhausted pool is told apart from a slow node. Everything else is delegated.
 *
 * <p>With a {@link LeaseTracker}, each connection handed to a caller is registered (owner: the
 * pool's name; the borrower's stack) until the client releases it, so a call that never gives its
 * connection back shows up as a leak with where it was borrowed.
 *
 * <p>Thread-safe: the pool is; the window, the counter and the map of held leases are.
 */
final class MeteredConnectionManager implements HttpClientConnectionManager {
  static final int WAIT_SAMPLES = 1024;

  private final String name;
  private final PoolingHttpClientConnectionManager pool;
  private final LongSupplier nanoTicker;
  private final LatencyWindow waits = new LatencyWindow(WAIT_SAMPLES);
  private final AtomicLong exhaustions = new AtomicLong();
  private final LeaseTracker leases;
  /** The lease of each endpoint a caller holds now (identity: endpoints do not override equals). */
  private final Map<ConnectionEndpoint, LeaseTracker.Handle> held = new ConcurrentHashMap<>();

  MeteredConnectionManager(String name, PoolingHttpClientConnectionManager pool, LongSupplier nanoTicker) {
    this(name, pool, nanoTicker, LeaseTracker.NONE);
  }

  /** @param leases where each connection handed to a caller is registered until it comes back */
  MeteredConnectionManager(String name, PoolingHttpClientConnectionManager pool, LongSupplier nanoTicker,
      LeaseTracker leases) {
    this.name = name;
    this.pool = pool;
    this.nanoTicker = nanoTicker;
    this.leases = leases;
  }

  PoolStats stats() {
    org.apache.hc.core5.pool.PoolStats total = pool.getTotalStats();
    return new PoolStats(name, total.getMax(), total.getLeased(), total.getAvailable(), total.getPending(),
        waits.count(), waits.percentileMillis(50), waits.percentileMillis(99), exhaustions.get(),
        "HttpClient 5 pool, now");
  }

  @Override
  public LeaseRequest lease(String id, HttpRoute route, Timeout requestTimeout, Object state) {
    long start = nanoTicker.getAsLong();
    LeaseRequest request = pool.lease(id, route, requestTimeout, state);
    return new LeaseRequest() {
      @Override
      public ConnectionEndpoint get(Timeout timeout) throws InterruptedException, ExecutionException, TimeoutException {
        try {
          ConnectionEndpoint endpoint = request.get(timeout);
          waits.record(nanoTicker.getAsLong() - start);
          if (leases != LeaseTracker.NONE)
            held.put(endpoint, leases.register(name, "pooled connection to " + route.getTargetHost().toHostString(),
                () -> endpoint.close(CloseMode.IMMEDIATE)));
          return endpoint;
        } catch (TimeoutException e) {
          // The figures first, then the count: whoever sees the count sees figures taken before it moved.
          String figures = stats().describe();
          exhaustions.incrementAndGet();
          // HttpClient turns this into a ConnectionRequestTimeoutException carrying this message.
          TimeoutException named = new TimeoutException("no pooled connection within " + timeout + " ("
              + figures + "); raise the pool size or lower concurrent calls");
          named.initCause(e);
          throw named;
        }
      }

      @Override
      public boolean cancel() {
        return request.cancel();
      }
    };
  }

  @Override
  public void release(ConnectionEndpoint endpoint, Object newState, TimeValue validDuration) {
    LeaseTracker.Handle lease = held.remove(endpoint);
    if (lease != null) lease.close();
    pool.release(endpoint, newState, validDuration);
  }

  @Override
  public void connect(ConnectionEndpoint endpoint, TimeValue connectTimeout, HttpContext context) throws IOException {
    pool.connect(endpoint, connectTimeout, context);
  }

  @Override
  public void upgrade(ConnectionEndpoint endpoint, HttpContext context) throws IOException {
    pool.upgrade(endpoint, context);
  }

  @Override
  public void close(CloseMode closeMode) {
    pool.close(closeMode);
  }

  @Override
  public void close() throws IOException {
    pool.close();
  }
}
