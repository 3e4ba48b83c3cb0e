package io.ipfskit.server.faults;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.URI;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

/**
 * A loopback TCP proxy for fault injection: listens on 127.0.0.1 (a free port) and forwards each
 * connection to a target, with a {@link Mode} that tests switch at runtime.
 *
 * <ul>
 *   <li>{@code PASS}: bytes go both ways unchanged.
 *   <li>{@code DELAY}: each chunk read from either side waits a fixed time before it is forwarded.
 *   <li>{@code RESET}: new connections are accepted and at once reset (RST: {@code SO_LINGER 0} then
 *       close); switching to it resets every open connection too.
 *   <li>{@code BLACKHOLE}: new connections are accepted and never answered (what the client sends is
 *       read and dropped, the target is not contacted); open connections go silent the same way.
 *   <li>{@code HALF_CLOSE}: the proxy closes its sending side towards the client (the client reads
 *       end-of-stream) but keeps reading; switching to it half-closes open connections too.
 *   <li>{@code DRIP}: towards the client, at most {@code n} bytes per interval.
 *   <li>{@code ANSWER}: HTTP-aware, for new connections only: the proxy reads each request's head
 *       and answers a set share of requests itself with an HTTP status (429 rate limiting, 503, a
 *       Kubo-style JSON error body, {@code Connection: close}); the others are forwarded with {@code
 *       Connection: close} added, so the target closes after one answer and the client's next request
 *       comes on a new connection that the proxy judges again. Which requests are answered is
 *       deterministic (evenly spread: with share 0.25 every fourth). {@link #resetRequests} resets
 *       that share instead (a network blip after the request was sent).
 * </ul>
 *
 * {@link #resetNext(int)} resets only the next {@code n} new connections and passes the rest (a short
 * transient fault). {@link #accepted()} counts every connection the proxy accepted, whatever the
 * mode: the number of times a client reached for the network.
 *
 * <p>Threads: one acceptor and, per connection, one pump per direction (daemon threads of one
 * pool). The mode is one volatile reference read per chunk, so a switch takes effect at the next
 * chunk; the switches that act on open connections (reset, half-close) do so before returning.
 * {@link #close()} closes the listening socket and every connection and stops the threads.
 */
public final class FaultProxy implements AutoCloseable {
  /** What the proxy does with traffic; see the class comment. */
  public enum Mode { PASS, DELAY, RESET, BLACKHOLE, HALF_CLOSE, DRIP, ANSWER }

  private record Setting(Mode mode, long delayMillis, int dripBytes, long dripIntervalMillis, int status,
      double share) {
    Setting(Mode mode, long delayMillis, int dripBytes, long dripIntervalMillis) {
      this(mode, delayMillis, dripBytes, dripIntervalMillis, 0, 0);
    }
  }

  private static final int CHUNK = 16 * 1024;
  /** The longest request head {@code ANSWER} mode reads before it gives up on a connection. */
  private static final int MAX_HEAD_BYTES = 64 * 1024;

  private final InetSocketAddress target;
  private final ServerSocket server;
  private final ExecutorService threads = Executors.newCachedThreadPool(r -> {
    Thread t = new Thread(r, "fault-proxy");
    t.setDaemon(true);
    return t;
  });
  private final AtomicReference<Setting> setting = new AtomicReference<>(new Setting(Mode.PASS, 0, 0, 0));
  private final AtomicInteger resetNext = new AtomicInteger();
  private final AtomicInteger accepted = new AtomicInteger();
  private final AtomicInteger forwarded = new AtomicInteger();
  private final AtomicInteger judged = new AtomicInteger(); // requests seen in ANSWER mode
  private final AtomicInteger answered = new AtomicInteger(); // of which the proxy answered itself
  private final Set<Link> links = ConcurrentHashMap.newKeySet();
  private final AtomicInteger markerPort = new AtomicInteger(-1);
  private final AtomicInteger markersSeen = new AtomicInteger();
  private volatile boolean closed;

  private FaultProxy(InetSocketAddress target) throws IOException {
    this.target = requireNonNull(target, "target");
    this.server = new ServerSocket(0, 200, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** A proxy in {@code PASS} mode in front of {@code target} (a host and port). */
  public static FaultProxy start(InetSocketAddress target) throws IOException {
    return new FaultProxy(target);
  }

  /** A proxy in front of the host and port of {@code uri} (e.g. a node's API). */
  public static FaultProxy start(URI uri) throws IOException {
    return start(new InetSocketAddress(uri.getHost(), uri.getPort()));
  }

  public int port() {
    return server.getLocalPort();
  }

  /** {@code http://127.0.0.1:<port>}: the target's URI as seen through the proxy. */
  public URI uri() {
    return URI.create("http://127.0.0.1:" + port());
  }

  public Mode mode() {
    return setting.get().mode();
  }

  /** Connections accepted since start (every mode, including those reset at once). */
  public int accepted() {
    return accepted.get();
  }

  /** Connections opened to the target since start. */
  public int forwarded() {
    return forwarded.get();
  }

  public void pass() {
    resetNext.set(0);
    setting.set(new Setting(Mode.PASS, 0, 0, 0));
  }

  /** Every chunk, either way, is held {@code perChunk} before it is forwarded. */
  public void delay(Duration perChunk) {
    if (perChunk.isNegative()) throw new IllegalArgumentException("perChunk must be >= 0, but was " + perChunk);
    setting.set(new Setting(Mode.DELAY, perChunk.toMillis(), 0, 0));
  }

  /** Resets every open connection and every new one. */
  public void reset() {
    setting.set(new Setting(Mode.RESET, 0, 0, 0));
    for (Link l : links) l.reset();
  }

  /** Resets the next {@code n} new connections, then passes again (open connections are left alone). */
  public void resetNext(int n) {
    if (n < 1) throw new IllegalArgumentException("n must be >= 1, but was " + n);
    setting.set(new Setting(Mode.PASS, 0, 0, 0));
    resetNext.set(n);
  }

  /** Accepts and never answers; open connections go silent. */
  public void blackhole() {
    setting.set(new Setting(Mode.BLACKHOLE, 0, 0, 0));
  }

  /** The client reads end-of-stream on open and new connections; what it sends is still read. */
  public void halfClose() {
    setting.set(new Setting(Mode.HALF_CLOSE, 0, 0, 0));
    for (Link l : links) l.halfClose();
  }

  /** Towards the client, {@code bytes} per {@code interval}. */
  public void drip(int bytes, Duration interval) {
    if (bytes < 1) throw new IllegalArgumentException("bytes must be >= 1, but was " + bytes);
    if (interval.isNegative()) throw new IllegalArgumentException("interval must be >= 0, but was " + interval);
    setting.set(new Setting(Mode.DRIP, 0, bytes, interval.toMillis()));
  }

  /**
   * HTTP mode for new connections: a {@code share} of requests (0 to 1, evenly spread) is answered
   * by the proxy with {@code status} (e.g. 429, 503) and a Kubo-style JSON error, the rest forwarded
   * with {@code Connection: close} (one request per connection, so each is judged). Open
   * connections keep passing.
   */
  public void answer(int status, double share) {
    if (status < 400 || status > 599) throw new IllegalArgumentException("status must be from 400 to 599, but was " + status);
    if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("share must be from 0 to 1, but was " + share);
    judged.set(0);
    setting.set(new Setting(Mode.ANSWER, 0, 0, 0, status, share));
  }

  /**
   * A network blip per request, for new connections: like {@link #answer} but the judged share of
   * requests is reset (RST) after the proxy read its head, instead of answered.
   */
  public void resetRequests(double share) {
    if (!(share >= 0 && share <= 1)) throw new IllegalArgumentException("share must be from 0 to 1, but was " + share);
    judged.set(0);
    setting.set(new Setting(Mode.ANSWER, 0, 0, 0, 0, share));
  }

  /** Requests the proxy answered (or, after {@link #resetRequests}, reset) itself since start. */
  public int answered() {
    return answered.get();
  }

  /** Waits (bounded) until at least {@code n} connections were accepted; returns the count. */
  public int awaitAccepted(int n, Duration within) {
    long end = System.nanoTime() + within.toNanos();
    while (accepted.get() < n && System.nanoTime() < end) LockSupport.parkNanos(1_000_000);
    return accepted.get();
  }

  /**
   * {@link #accepted()} once the proxy has taken every connection made before this call: sends a
   * marker connection (not counted) and waits, bounded, until the acceptor reaches it. Connections
   * are accepted in arrival order, so a count read after the marker is complete.
   */
  public int settle() throws IOException {
    int seenBefore = markersSeen.get();
    try (Socket marker = new Socket()) {
      marker.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
      markerPort.set(marker.getLocalPort());
      marker.connect(new InetSocketAddress(InetAddress.getLoopbackAddress(), port()), 5_000);
      long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
      while (markersSeen.get() == seenBefore) {
        if (System.nanoTime() > end) throw new IllegalStateException("the proxy did not accept its marker in 10 s");
        LockSupport.parkNanos(1_000_000);
      }
    }
    return accepted.get();
  }

  @Override
  public void close() {
    closed = true;
    try {
      server.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
    for (Link l : links) l.close();
    threads.shutdownNow();
    try {
      threads.awaitTermination(10, TimeUnit.SECONDS);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // ------------------------------------------------------------------ internals

  private void acceptLoop() {
    while (!closed) {
      Socket client;
      try {
        client = server.accept();
      } catch (IOException e) {
        return; // closed
      }
      if (client.getPort() == markerPort.get()) {
        markerPort.set(-1);
        closeQuietly(client);
        markersSeen.incrementAndGet();
        continue;
      }
      accepted.incrementAndGet();
      Mode mode = setting.get().mode();
      if (resetNext.getAndUpdate(n -> n > 0 ? n - 1 : 0) > 0 || mode == Mode.RESET) {
        rst(client);
        continue;
      }
      Link link = new Link(client);
      links.add(link);
      if (mode == Mode.BLACKHOLE) {
        threads.execute(link::drainClient);
        continue;
      }
      if (mode == Mode.HALF_CLOSE) {
        link.halfClose();
        threads.execute(link::drainClient);
        continue;
      }
      if (mode == Mode.ANSWER) {
        Setting s = setting.get();
        threads.execute(() -> judge(link, s.status(), s.share()));
        continue;
      }
      threads.execute(() -> forward(link)); // off the acceptor: a slow target must not hold new connections
    }
  }

  private void forward(Link link) {
    forward(link, null);
  }

  /** Connects {@code link} to the target, sends {@code head} first (if any), then pumps both ways. */
  private void forward(Link link, byte[] head) {
    try {
      Socket upstream = new Socket();
      upstream.connect(target, 5_000);
      forwarded.incrementAndGet();
      link.upstream = upstream;
      if (head != null) upstream.getOutputStream().write(head);
    } catch (IOException e) {
      link.reset();
      return;
    }
    threads.execute(() -> link.pump(link.upstream, link.client, true));
    link.pump(link.client, link.upstream, false);
  }

  /**
   * {@code ANSWER} mode: reads the request head; answers {@code status} itself (then reads and drops
   * the body until the client closes) or forwards the head, with {@code Connection: close}, and the
   * rest. Request {@code i} (from 0) is answered when {@code floor((i + 1) * share) > floor(i * share)}.
   */
  private void judge(Link link, int status, double share) {
    byte[] head;
    try {
      head = readHead(link.client.getInputStream());
    } catch (IOException e) {
      link.close();
      return;
    }
    if (head == null) { // closed or not HTTP: nothing to judge
      link.close();
      return;
    }
    int i = judged.getAndIncrement();
    if (Math.floor((i + 1) * share) > Math.floor(i * share)) {
      answered.incrementAndGet();
      if (status == 0) { // resetRequests: a blip after the request was sent
        link.reset();
        return;
      }
      String reason = switch (status) {
        case 429 -> "Too Many Requests";
        case 500 -> "Internal Server Error";
        case 502 -> "Bad Gateway";
        case 503 -> "Service Unavailable";
        default -> "Error";
      };
      byte[] body = ("{\"Message\":\"fault proxy: " + status + " " + reason + "\",\"Code\":0,\"Type\":\"error\"}\n")
          .getBytes(java.nio.charset.StandardCharsets.US_ASCII);
      String answer = "HTTP/1.1 " + status + " " + reason + "\r\nContent-Type: application/json\r\nContent-Length: "
          + body.length + "\r\nRetry-After: 1\r\nConnection: close\r\n\r\n";
      try {
        OutputStream out = link.client.getOutputStream();
        out.write(answer.getBytes(java.nio.charset.StandardCharsets.US_ASCII));
        out.write(body);
        out.flush();
        link.client.shutdownOutput();
      } catch (IOException e) {
        link.close();
        return;
      }
      link.drainClient(); // the client may still send its body; it closes once it has read the answer
      return;
    }
    forward(link, withConnectionClose(head));
  }

  /** The request head up to and including the blank line, or null at end of stream first. */
  private static byte[] readHead(InputStream in) throws IOException {
    java.io.ByteArrayOutputStream head = new java.io.ByteArrayOutputStream(512);
    int matched = 0; // of "\r\n\r\n"
    while (matched < 4) {
      int b = in.read();
      if (b < 0) return null;
      head.write(b);
      matched = b == (matched % 2 == 0 ? '\r' : '\n') ? matched + 1 : (b == '\r' ? 1 : 0);
      if (head.size() > MAX_HEAD_BYTES) throw new IOException("request head longer than " + MAX_HEAD_BYTES + " bytes");
    }
    return head.toByteArray();
  }

  /** {@code head} with any {@code Connection} header replaced by {@code Connection: close}. */
  static byte[] withConnectionClose(byte[] head) {
    String text = new String(head, java.nio.charset.StandardCharsets.ISO_8859_1);
    String[] lines = text.substring(0, text.length() - 4).split("\r\n", -1);
    StringBuilder out = new StringBuilder(text.length() + 19);
    for (String line : lines) {
      if (line.regionMatches(true, 0, "Connection:", 0, 11)) continue;
      out.append(line).append("\r\n");
    }
    out.append("Connection: close\r\n\r\n");
    return out.toString().getBytes(java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  private static void rst(Socket s) {
    if (s == null) return; // a link reset before it was forwarded has no upstream
    try {
      s.setSoLinger(true, 0);
    } catch (IOException ignored) {
      // already closed
    }
    closeQuietly(s);
  }

  private static void closeQuietly(Socket s) {
    if (s == null) return;
    try {
      s.close();
    } catch (IOException ignored) {
      // closing: nothing to do
    }
  }

  private static void pause(long millis) throws InterruptedException {
    if (millis > 0) TimeUnit.MILLISECONDS.sleep(millis); // the injected fault itself, not test timing
  }

  /** One client connection and, once forwarded, its upstream connection. */
  private final class Link {
    final Socket client;
    volatile Socket upstream;
    final AtomicInteger ended = new AtomicInteger();

    Link(Socket client) {
      this.client = client;
    }

    /** Copies {@code from} to {@code to} chunk by chunk under the mode of the moment. */
    void pump(Socket from, Socket to, boolean towardsClient) {
      byte[] buf = new byte[CHUNK];
      try {
        InputStream in = from.getInputStream();
        OutputStream out = to.getOutputStream();
        int n;
        while ((n = in.read(buf)) >= 0) {
          Setting s = setting.get();
          switch (s.mode()) {
            case BLACKHOLE -> {
              continue; // dropped
            }
            case HALF_CLOSE -> {
              if (towardsClient) continue; // the client's side is shut
              out.write(buf, 0, n);
            }
            case DELAY -> {
              pause(s.delayMillis());
              out.write(buf, 0, n);
            }
            case DRIP -> {
              if (!towardsClient) {
                out.write(buf, 0, n);
                break;
              }
              for (int off = 0; off < n; off += s.dripBytes()) {
                out.write(buf, off, Math.min(s.dripBytes(), n - off));
                out.flush();
                if (off + s.dripBytes() < n) pause(s.dripIntervalMillis());
              }
            }
            default -> out.write(buf, 0, n);
          }
          out.flush();
        }
        // end of stream from one side: pass the half-close on; the second end closes the link
        if (!to.isClosed() && !to.isOutputShutdown()) to.shutdownOutput();
        if (ended.incrementAndGet() == 2) close();
      } catch (IOException | InterruptedException e) {
        if (e instanceof InterruptedException) Thread.currentThread().interrupt();
        close();
      }
    }

    /** Reads and drops what the client sends until it closes (blackhole, half-close). */
    void drainClient() {
      byte[] buf = new byte[CHUNK];
      try {
        InputStream in = client.getInputStream();
        while (in.read(buf) >= 0) {
          // dropped
        }
      } catch (IOException ignored) {
        // reset or closed
      }
      close();
    }

    void reset() {
      rst(client);
      rst(upstream);
      forget();
    }

    void halfClose() {
      try {
        if (!client.isClosed() && !client.isOutputShutdown()) client.shutdownOutput();
      } catch (IOException ignored) {
        // already gone
      }
    }

    void close() {
      closeQuietly(client);
      closeQuietly(upstream);
      forget();
    }

    private void forget() {
      links.remove(this);
    }
  }
}
