package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HeaderAccessor;
import io.modelcontextprotocol.server.transport.ServerTransportSecurityException;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.FilterChain;
import jakarta.servlet.ServletException;
import jakarta.servlet.http.HttpFilter;
import jakarta.servlet.http.HttpServletMapping;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.servlet.http.MappingMatch;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The one gate in front of every path (the MCP endpoint, mounted servlets, static files), in this
 * order:
 *
 * <ol>
 *   <li>shutting down: 503;
 *   <li>{@code Origin} and {@code Host} through the SDK's {@link DefaultServerTransportSecurityValidator}
 *       (a foreign Origin: 403, a foreign Host: 421) — the same rules as the MCP endpoint applies;
 *   <li>CORS for the configured origins only (never a wildcard), exposing {@code Mcp-Session-Id};
 *       preflights ({@code OPTIONS} with {@code Access-Control-Request-Method}) end here with 204;
 *   <li>the bearer token ({@code Authorization: Bearer …}), compared in constant time, for every
 *       request except {@code GET}/{@code HEAD} of static files (a browser opening the dashboard
 *       cannot send a header; the page reads the token from the URL fragment, which is never sent);
 *       missing or wrong: 401, and after too many failures from one address: 429 with {@code Retry-After};
 *   <li>the body limit: a declared length over it is refused with 413 before the servlet runs, an
 *       undeclared (chunked) one is counted while read ({@link BodyLimitRequest});
 *   <li>error bodies made short JSON-RPC errors ({@link ErrorBodyResponse}).
 * </ol>
 *
 * <p>It also counts requests in flight (all but {@code GET} of the MCP endpoint, which holds an SSE
 * stream open for as long as the client listens), so shutdown can wait for calls to finish.
 * Thread-safe: the count is guarded by {@code idle}; everything else is immutable or volatile.
 */
final class SecurityFilter extends HttpFilter {

  private static final Logger log = LoggerFactory.getLogger(SecurityFilter.class);
  static final String EXPOSED_HEADERS = "Mcp-Session-Id";
  static final String ALLOWED_HEADERS =
      "Authorization, Content-Type, Accept, Mcp-Session-Id, Mcp-Protocol-Version, Last-Event-ID";
  static final String ALLOWED_METHODS = "GET, POST, DELETE, OPTIONS";

  private final DefaultServerTransportSecurityValidator validator;
  private final Set<String> corsOrigins;
  private final byte[] tokenDigest; // null: no authentication (--no-auth)
  private final FailedAuthLimiter limiter;
  private final long maxBodyBytes;
  private final String mcpPath;
  private final boolean staticFilesPublic;

  private final Object idle = new Object();
  private int inFlight; // guarded by idle
  private volatile boolean closing;

  SecurityFilter(DefaultServerTransportSecurityValidator validator, List<String> corsOrigins,
      Optional<String> token, FailedAuthLimiter limiter, long maxBodyBytes, String mcpPath, boolean staticFilesPublic) {
    this.validator = requireNonNull(validator, "validator");
    this.corsOrigins = Set.copyOf(corsOrigins);
    this.tokenDigest = token.map(SecurityFilter::sha256).orElse(null);
    this.limiter = requireNonNull(limiter, "limiter");
    if (maxBodyBytes < 1) throw new IllegalArgumentException("maxBodyBytes must be >= 1, but was " + maxBodyBytes);
    this.maxBodyBytes = maxBodyBytes;
    this.mcpPath = requireNonNull(mcpPath, "mcpPath");
    this.staticFilesPublic = staticFilesPublic;
  }

  @Override
  protected void doFilter(HttpServletRequest request, HttpServletResponse response, FilterChain chain)
      throws IOException, ServletException {
    boolean mcp = mcpPath.equals(request.getRequestURI());
    ErrorBodyResponse out = new ErrorBodyResponse(response, mcp);
    if (closing) {
      out.setHeader("Connection", "close");
      out.sendError(503);
      return;
    }
    try {
      validator.validate(new Headers(request));
    } catch (ServerTransportSecurityException e) {
      log.debug("refused a request: {} (status {})", e.getMessage(), e.getStatusCode());
      out.sendError(e.getStatusCode());
      return;
    }
    String origin = request.getHeader("Origin");
    if (origin != null && corsOrigins.contains(origin)) {
      out.setHeader("Access-Control-Allow-Origin", origin);
      out.addHeader("Vary", "Origin");
      out.setHeader("Access-Control-Expose-Headers", EXPOSED_HEADERS);
    }
    if ("OPTIONS".equals(request.getMethod()) && request.getHeader("Access-Control-Request-Method") != null) {
      if (origin != null && corsOrigins.contains(origin)) {
        out.setHeader("Access-Control-Allow-Methods", ALLOWED_METHODS);
        out.setHeader("Access-Control-Allow-Headers", ALLOWED_HEADERS);
        out.setHeader("Access-Control-Max-Age", "600");
      }
      out.setStatus(204);
      return;
    }
    if (tokenDigest != null && !isPublic(request)) {
      String remote = request.getRemoteAddr();
      Optional<Duration> wait = limiter.blockedFor(remote);
      if (wait.isPresent()) {
        out.setHeader("Retry-After", Long.toString(Math.max(1, (wait.get().toMillis() + 999) / 1000)));
        out.sendError(429);
        return;
      }
      if (!authorized(request.getHeader("Authorization"))) {
        limiter.recordFailure(remote);
        log.warn("refused an HTTP request without a valid token from {} ({} {})", remote, request.getMethod(),
            request.getRequestURI());
        out.setHeader("WWW-Authenticate", "Bearer realm=\"ipfs-kit\"");
        out.sendError(401);
        return;
      }
    }
    long declared = request.getContentLengthLong();
    if (declared > maxBodyBytes) {
      out.setHeader("Connection", "close");
      out.writeError(413, JsonErrors.withCode(JsonErrors.INVALID_REQUEST, tooLarge()));
      return;
    }
    HttpServletRequest in = request;
    BodyLimitRequest limited = null;
    if (declared < 0 && !"GET".equals(request.getMethod()) && !"HEAD".equals(request.getMethod())) {
      limited = new BodyLimitRequest(request, maxBodyBytes);
      in = limited;
    }
    boolean counted = !(mcp && "GET".equals(request.getMethod()));
    if (counted) enter();
    boolean async = false;
    try {
      chain.doFilter(in, out);
      if (in.isAsyncStarted()) {
        async = true;
        if (counted) {
          AtomicBoolean done = new AtomicBoolean();
          in.getAsyncContext().addListener(new Exit(done));
        }
      }
    } catch (BodyLimitRequest.TooLarge e) {
      // answered below
    } catch (IOException | ServletException | RuntimeException e) {
      if (limited == null || !limited.exceeded()) {
        log.error("{} {} failed", request.getMethod(), request.getRequestURI(), e);
        out.writeError(500, JsonErrors.body(500, null));
      }
    } finally {
      if (counted && !async) exit();
    }
    if (limited != null && limited.exceeded()) {
      out.setHeader("Connection", "close");
      out.writeError(413, JsonErrors.withCode(JsonErrors.INVALID_REQUEST, tooLarge()));
    } else if (!async) {
      out.finish();
    }
  }

  private String tooLarge() {
    return "Payload Too Large: the request body exceeds " + maxBodyBytes + " bytes (setting IPFS_KIT_MAX_MESSAGE_BYTES);"
        + " send large content as a file path (wal_add_operation params.path) instead of inline";
  }

  private boolean isPublic(HttpServletRequest request) {
    if (!staticFilesPublic) return false;
    String method = request.getMethod();
    if (!"GET".equals(method) && !"HEAD".equals(method)) return false;
    HttpServletMapping mapping = request.getHttpServletMapping();
    return mapping != null && mapping.getMappingMatch() == MappingMatch.DEFAULT;
  }

  /** Constant time: both sides are hashed to 32 bytes first, so neither length nor content leaks. */
  private boolean authorized(String header) {
    String given = header != null && header.regionMatches(true, 0, "Bearer ", 0, 7) ? header.substring(7).trim() : "";
    return MessageDigest.isEqual(sha256(given), tokenDigest) && !given.isEmpty();
  }

  static byte[] sha256(String s) {
    try {
      // A clone of a ready digest: getInstance looks the provider up on every call.
      return ((MessageDigest) SHA_256.clone()).digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (CloneNotSupportedException e) {
      throw new IllegalStateException("this JVM's SHA-256 cannot be cloned", e);
    }
  }

  private static final MessageDigest SHA_256 = newSha256();

  private static MessageDigest newSha256() {
    try {
      return MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("SHA-256 is missing from this JVM", e);
    }
  }

  // ------------------------------------------------------------------ shutdown

  /** From now on every request is answered 503. */
  void beginClosing() {
    closing = true;
  }

  /** Waits until no counted request is in flight, at most {@code timeout}; true when none is left. */
  boolean awaitIdle(Duration timeout) throws InterruptedException {
    long deadline = System.nanoTime() + timeout.toNanos();
    synchronized (idle) {
      while (inFlight > 0) {
        long left = deadline - System.nanoTime();
        if (left <= 0) return false;
        TimeUnit.NANOSECONDS.timedWait(idle, left);
      }
      return true;
    }
  }

  /** Requests in flight now. */
  int inFlight() {
    synchronized (idle) {
      return inFlight;
    }
  }

  private void enter() {
    synchronized (idle) {
      inFlight++;
    }
  }

  private void exit() {
    synchronized (idle) {
      inFlight--;
      if (inFlight == 0) idle.notifyAll();
    }
  }

  /** Leaves the in-flight count once when an asynchronous request ends, however it ends. */
  private final class Exit implements AsyncListener {
    private final AtomicBoolean done;

    Exit(AtomicBoolean done) {
      this.done = done;
    }

    private void once() {
      if (done.compareAndSet(false, true)) exit();
    }

    @Override
    public void onComplete(AsyncEvent event) {
      once();
    }

    @Override
    public void onTimeout(AsyncEvent event) {
      once();
    }

    @Override
    public void onError(AsyncEvent event) {
      once();
    }

    @Override
    public void onStartAsync(AsyncEvent event) {
      // the same request again: still one exit
    }
  }

  /** The request's headers for the SDK's validator. */
  private record Headers(HttpServletRequest request) implements HeaderAccessor {
    @Override
    public List<String> getHeader(String name) {
      return Collections.list(request.getHeaders(name));
    }

    @Override
    public List<String> getHeaderNames() {
      return Collections.list(request.getHeaderNames());
    }
  }

}
