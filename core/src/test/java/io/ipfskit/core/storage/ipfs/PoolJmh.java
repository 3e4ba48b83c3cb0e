package io.ipfskit.core.storage.ipfs;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.apache.hc.client5.http.HttpRoute;
import org.apache.hc.client5.http.config.ConnectionConfig;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManager;
import org.apache.hc.client5.http.impl.io.PoolingHttpClientConnectionManagerBuilder;
import org.apache.hc.client5.http.io.ConnectionEndpoint;
import org.apache.hc.client5.http.io.HttpClientConnectionManager;
import org.apache.hc.client5.http.protocol.HttpClientContext;
import org.apache.hc.core5.http.HttpHost;
import org.apache.hc.core5.io.CloseMode;
import org.apache.hc.core5.util.TimeValue;
import org.apache.hc.core5.util.Timeout;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * Borrow and return of one pooled connection (JMH; nothing asserts time): HttpClient 5's {@link
 * PoolingHttpClientConnectionManager} configured as {@link KuboRpc} configures it (connect and socket
 * timeouts, validate after 500 ms idle, 16 connections), with and without the {@link
 * MeteredConnectionManager} that {@code IpfsBackend} puts in front of it (acquire-wait window), against
 * a real loopback server socket. The connection is opened once in the warm-up; each measured call
 * is lease, get, release of that idle connection, which is what a request costs the pool when a
 * connection is free (no HTTP exchange: that is the node's time, see {@code bench resilience}).
 *
 * <pre>
 * mvn -B -o -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) org.openjdk.jmh.Main \
 *     'io.ipfskit.core.storage.ipfs.PoolJmh' -rf json -rff /tmp/pool-jmh.json
 * </pre>
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class PoolJmh {
  private static final Timeout WAIT = Timeout.ofSeconds(5);
  private static final TimeValue KEEP = TimeValue.ofMinutes(5);

  private ServerSocket server;
  private final List<Socket> accepted = new CopyOnWriteArrayList<>();
  private PoolingHttpClientConnectionManager pool;
  private MeteredConnectionManager metered;
  private HttpRoute route;
  private final HttpClientContext context = HttpClientContext.create();

  @Setup(Level.Trial)
  public void setUp() throws IOException {
    server = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    Thread acceptor = new Thread(() -> {
      while (!server.isClosed()) {
        try {
          accepted.add(server.accept()); // held open, never answered: only the pool is measured
        } catch (IOException closed) {
          return;
        }
      }
    }, "pool-jmh-server");
    acceptor.setDaemon(true);
    acceptor.start();
    Timeout timeout = Timeout.ofSeconds(30);
    pool = PoolingHttpClientConnectionManagerBuilder.create()
        .setDefaultConnectionConfig(ConnectionConfig.custom()
            .setConnectTimeout(timeout)
            .setSocketTimeout(Timeout.ofSeconds(35))
            .setValidateAfterInactivity(TimeValue.ofMilliseconds(500))
            .build())
        .setMaxConnTotal(16)
        .setMaxConnPerRoute(16)
        .build();
    metered = new MeteredConnectionManager("ipfs", pool, System::nanoTime);
    route = new HttpRoute(new HttpHost("http", "127.0.0.1", server.getLocalPort()));
  }

  @TearDown(Level.Trial)
  public void tearDown() throws IOException {
    pool.close(CloseMode.IMMEDIATE);
    server.close();
    for (Socket s : accepted) s.close();
  }

  private int borrowReturn(HttpClientConnectionManager manager) throws Exception {
    ConnectionEndpoint endpoint = manager.lease("jmh", route, WAIT, null).get(WAIT);
    if (!endpoint.isConnected()) manager.connect(endpoint, TimeValue.ofSeconds(5), context);
    manager.release(endpoint, null, KEEP);
    return accepted.size();
  }

  /** Lease, get and release through the metered manager, as {@code IpfsBackend}'s client does. */
  @Benchmark
  public int borrowReturnMetered() throws Exception {
    return borrowReturn(metered);
  }

  /** The same on the bare HttpClient 5 pool (what the metering adds is the difference). */
  @Benchmark
  public int borrowReturnBare() throws Exception {
    return borrowReturn(pool);
  }
}
