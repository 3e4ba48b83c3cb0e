package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import io.ipfskit.server.log.ClientLog;
import io.ipfskit.server.tools.LongCall;
import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.json.schema.JsonSchemaValidator;
import io.modelcontextprotocol.server.McpServer;
import io.modelcontextprotocol.server.McpServerFeatures.SyncResourceTemplateSpecification;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.server.McpSyncServer;
import io.modelcontextprotocol.server.transport.DefaultServerTransportSecurityValidator;
import io.modelcontextprotocol.server.transport.HttpServletStreamableServerTransportProvider;
import io.modelcontextprotocol.spec.McpSchema.ServerCapabilities;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.http.HttpServlet;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import org.eclipse.jetty.ee10.servlet.DefaultServlet;
import org.eclipse.jetty.ee10.servlet.FilterHolder;
import org.eclipse.jetty.ee10.servlet.ServletContextHandler;
import org.eclipse.jetty.ee10.servlet.ServletHolder;
import org.eclipse.jetty.server.HttpConfiguration;
import org.eclipse.jetty.server.HttpConnectionFactory;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.resource.ResourceFactory;
import org.eclipse.jetty.util.thread.QueuedThreadPool;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * ipfs-kit over HTTP: MCP Streamable HTTP at {@value #MCP_PATH} (the MCP Java SDK's own {@code
 * HttpServletStreamableServerTransportProvider}, one {@link McpSyncServer} for every session) on an
 * embedded Jetty 12, plus whatever servlets ({@link Builder#servlet}) and static files ({@link
 * Builder#staticDir}) are mounted beside it, all behind one {@link SecurityFilter}: Origin/Host
 * checks, CORS for listed origins, a bearer token, failed-attempt limiting, a body limit and
 * short JSON-RPC error bodies.
 *
 * <p>Life cycle: {@link Builder#build()} checks the settings; {@link #start()} binds the port (the
 * Origin and Host rules need the actual port) and serves; {@link #close()} stops accepting, waits
 * for requests in flight (at most the drain timeout), closes the MCP sessions and stops Jetty. The
 * caller owns whatever the tools use (the home, the WAL) and closes it after this.
 *
 * <p>Thread-safe: {@link #start()} and the first step of {@link #shutdown()} synchronise on this
 * object (it guards {@code closing}); the components are published through volatile fields, so
 * {@link #port()} never waits for a shutdown in progress.
 */
public final class HttpServer implements AutoCloseable {

  /** The MCP endpoint's path. */
  public static final String MCP_PATH = "/mcp";
  /** Failed authentications per address and window before that address gets 429. */
  static final int MAX_AUTH_FAILURES = 10;
  static final Duration AUTH_FAILURE_WINDOW = Duration.ofMinutes(1);
  static final int MAX_TRACKED_ADDRESSES = 10_000;

  private static final Logger log = LoggerFactory.getLogger(HttpServer.class);

  private final Builder b;
  private final Optional<String> token;
  private final boolean tokenGenerated;
  private volatile Server jetty; // written once under this, in start()
  private volatile ServerConnector connector;
  private volatile SecurityFilter filter;
  private volatile McpSyncServer mcp;
  private volatile SessionNotices sessions;
  /** Every MCP session as a lease (owner {@code http}); this process's own registry, whoever owns the WAL. */
  private final io.ipfskit.core.resilience.Leases leases;
  private volatile SessionLeases sessionLeases;
  private volatile LongCallProgress progress;
  private volatile int port;
  private boolean closing; // guarded by this
  /** Counted down when a shutdown has finished, so a second caller waits for the first. */
  private final java.util.concurrent.CountDownLatch stopped = new java.util.concurrent.CountDownLatch(1);
  private volatile boolean drainedAll = true;

  private HttpServer(Builder b) {
    this.b = b;
    this.leases = new io.ipfskit.core.resilience.Leases(b.clock);
    if (b.noAuth) {
      token = Optional.empty();
      tokenGenerated = false;
    } else if (b.token != null) {
      token = Optional.of(b.token);
      tokenGenerated = false;
    } else {
      byte[] random = new byte[32];
      new SecureRandom().nextBytes(random);
      token = Optional.of(Base64.getUrlEncoder().withoutPadding().encodeToString(random));
      tokenGenerated = true;
    }
  }

  public static Builder builder() {
    return new Builder();
  }

  /**
   * Below info, Jetty logs raw request buffers and the SDK's {@code McpSchema} every request body as
   * text, so the documented debug switch ({@code -Dorg.slf4j.simpleLogger.defaultLogLevel=debug})
   * would put secret values and the bearer token on stderr: those two loggers stay at info unless
   * their level is set explicitly. Call before either logs anything (their loggers are made then).
   */
  public static void keepRequestBodiesOutOfDebugLogs() {
    for (String logger : List.of("org.eclipse.jetty", "io.modelcontextprotocol.spec.McpSchema")) {
      String key = "org.slf4j.simpleLogger.log." + logger;
      if (System.getProperty(key) == null) System.setProperty(key, "info");
    }
  }

  /**
   * Binds the port and starts serving.
   *
   * @throws UncheckedIOException when the port cannot be bound (in use, not permitted)
   * @throws IllegalStateException when already started or closed
   */
  public synchronized HttpServer start() {
    if (jetty != null || closing) throw new IllegalStateException("the HTTP server was already started");
    QueuedThreadPool threads = new QueuedThreadPool(b.maxThreads, 4);
    threads.setName("ipfs-kit-http");
    Server server = new Server(threads);
    HttpConfiguration http = new HttpConfiguration();
    http.setSendServerVersion(false);
    http.setSendXPoweredBy(false);
    ServerConnector c = new ServerConnector(server, 1, 1, new HttpConnectionFactory(http));
    c.setHost(b.bind);
    c.setPort(b.port);
    server.addConnector(c);
    try {
      c.open();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot listen on " + hostForUrl(b.bind) + ":" + b.port + " ("
          + e.getClass().getSimpleName() + ": " + e.getMessage() + "); choose another --port or stop what uses it", e);
    }
    int bound = c.getLocalPort();
    DefaultServerTransportSecurityValidator validator = DefaultServerTransportSecurityValidator.builder()
        .allowedHosts(allowedHosts(bound)).allowedOrigins(allowedOrigins(bound)).build();
    // Requests reach the servlet only through SecurityFilter, which has already run this validator on
    // them: the servlet's own run of it (copying every header into a map first) is left out.
    ParsedRequestMapper json = new ParsedRequestMapper(McpJsonDefaults.getMapper());
    HttpServletStreamableServerTransportProvider transport = HttpServletStreamableServerTransportProvider.builder()
        .jsonMapper(json)
        .mcpEndpoint(MCP_PATH)
        .maxRequestSize((int) Math.min(Integer.MAX_VALUE, b.maxBodyBytes))
        .sessionSweepInterval(b.sessionIdle)
        .build();
    ServerCapabilities.Builder caps = ServerCapabilities.builder().tools(false).logging();
    if (!b.resourceTemplates.isEmpty()) caps.resources(false, false);
    SessionLeases sessionLeases = new SessionLeases(leases, SessionLeases.liveSessionsOf(transport));
    SessionNotices sessions = new SessionNotices(transport, sessionLeases);
    LongCallProgress progress = new LongCallProgress(LongCall.progressIntervalMillis());
    McpServer.SyncSpecification<?> spec = McpServer.sync(sessions)
        .serverInfo(b.serverName, b.serverVersion)
        .jsonMapper(json)
        .capabilities(caps.build())
        // Each tool checks its own arguments (ToolInput), as over stdio.
        .validateToolInputs(false)
        // The servlet thread blocks on the response anyway: run the tool on it instead of handing the
        // call to another pool and back (one thread hop less per call).
        .immediateExecution(true)
        .tools(progress.wrap(b.tools, b.longCalls));
    if (b.schemaValidator != null) spec.jsonSchemaValidator(b.schemaValidator);
    if (!b.resourceTemplates.isEmpty()) spec.resourceTemplates(b.resourceTemplates);
    McpSyncServer mcpServer = spec.build();

    SecurityFilter gate = new SecurityFilter(validator, b.corsOrigins, token,
        new FailedAuthLimiter(MAX_AUTH_FAILURES, AUTH_FAILURE_WINDOW, MAX_TRACKED_ADDRESSES, b.clock),
        b.maxBodyBytes, MCP_PATH, b.staticDir != null);
    ServletContextHandler context = new ServletContextHandler(ServletContextHandler.NO_SESSIONS);
    context.setContextPath("/");
    context.setErrorHandler(new JsonErrorHandler.Context());
    FilterHolder filterHolder = new FilterHolder(gate);
    filterHolder.setAsyncSupported(true);
    context.addFilter(filterHolder, "/*", EnumSet.of(DispatcherType.REQUEST));
    ServletHolder mcpHolder = new ServletHolder("mcp", transport);
    mcpHolder.setAsyncSupported(true);
    context.addServlet(mcpHolder, MCP_PATH);
    int n = 0;
    for (Map.Entry<String, HttpServlet> e : b.servlets.entrySet()) {
      ServletHolder h = new ServletHolder("mounted-" + (n++), e.getValue());
      h.setAsyncSupported(true);
      context.addServlet(h, e.getKey());
    }
    if (b.staticDir != null) {
      context.setBaseResource(ResourceFactory.of(context).newResource(b.staticDir));
      context.setWelcomeFiles(new String[] {"index.html"});
      ServletHolder files = new ServletHolder("static", DefaultServlet.class);
      files.setInitParameter("dirAllowed", "false");
      files.setInitParameter("etags", "true");
      // A file's gzip twin (app.js.gz beside app.js, written by dashboard/build.sh) is sent with
      // Content-Encoding: gzip to a client that accepts it; no compression work per request.
      files.setInitParameter("precompressed", "gzip=.gz");
      context.addServlet(files, "/");
    }
    server.setHandler(context);
    server.setErrorHandler(new JsonErrorHandler());
    server.setStopTimeout(b.drainTimeout.toMillis());
    try {
      server.start();
    } catch (Exception e) {
      try {
        server.stop();
      } catch (Exception suppressed) {
        e.addSuppressed(suppressed);
      }
      throw new IllegalStateException("the HTTP server did not start: " + e.getMessage(), e);
    }
    this.jetty = server;
    this.connector = c;
    this.filter = gate;
    this.mcp = mcpServer;
    this.port = bound;
    this.sessions = sessions;
    this.sessionLeases = sessionLeases;
    this.progress = progress;
    ClientLog.attachLive(sessions.sink()); // events for the client (backend health, breakers) reach every session
    if (!isLoopback(b.bind)) {
      log.warn("\n*** WARNING: the HTTP server listens on {} (not a loopback address): other machines can reach it."
          + "\n*** Anyone with the token can use every tool, secrets included. Bind 127.0.0.1 (the default) unless you"
          + " need this, and put TLS in front of it (a reverse proxy).\n*** Host headers accepted: {}",
          b.bind, allowedHosts(bound));
    }
    if (b.noAuth) {
      log.warn("the HTTP server runs WITHOUT authentication (--no-auth): every local process and user can call every"
          + " tool; only Origin/Host checks stand in the way of web pages");
    }
    log.info("MCP Streamable HTTP listening on {}{}", baseUrl(), MCP_PATH);
    return this;
  }

  /** The port actually bound (useful with port 0). */
  public int port() {
    if (jetty == null) throw new IllegalStateException("the HTTP server is not started");
    return port;
  }

  /** {@code http://host:port} as a client on this machine reaches the server (no trailing slash). */
  public String baseUrl() {
    String host = isWildcard(b.bind) ? "127.0.0.1" : hostForUrl(b.bind);
    return "http://" + host + ":" + port();
  }

  /**
   * The URL that opens the dashboard with the token in its fragment ({@code /#token=…}; a fragment
   * is never sent to a server, so it stays out of logs and Referer headers), or without a fragment
   * when authentication is off.
   */
  public String dashboardUrl() {
    return baseUrl() + "/" + token.map(t -> "#token=" + t).orElse("");
  }

  /** The token clients must send, empty with {@code noAuth}. */
  public Optional<String> token() {
    return token;
  }

  /** True when no token was given and this server generated one (it should then be shown to the user). */
  public boolean tokenGenerated() {
    return tokenGenerated;
  }

  /** Requests in flight now (tests, shutdown messages). */
  int inFlight() {
    SecurityFilter f = filter;
    return f == null ? 0 : f.inFlight();
  }

  /**
   * This server's lease registry: each MCP session it holds (owner {@code http}, {@code MCP session
   * <first 8 characters of its id>}), with its age and the stack that started it; sessions deleted or
   * swept are released first. The performance report adds it to the WAL owner's leases.
   */
  public io.ipfskit.core.resilience.Leases sessionLeases() {
    SessionLeases s = sessionLeases;
    return s == null ? leases : s.leases();
  }

  /** Where client log events go to the sessions (tests). */
  SessionNotices sessionNotices() {
    return sessions;
  }

  /** Blocks until the server has stopped. */
  public void join() throws InterruptedException {
    Server s = jetty;
    if (s != null) s.join();
  }

  /**
   * Stops gracefully: new requests get 503 and the port stops accepting; requests in flight may
   * finish within the drain timeout; then the MCP sessions close and Jetty stops. Idempotent.
   *
   * @return true when every request in flight finished in time
   */
  public boolean shutdown() {
    synchronized (this) {
      if (closing) {
        // Another caller (e.g. the SIGTERM hook while stdin closed) is stopping it: wait for that.
        try {
          stopped.await();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
        }
        return drainedAll;
      }
      closing = true;
      if (jetty == null) {
        stopped.countDown();
        return true;
      }
    }
    try {
      filter.beginClosing();
      try {
        connector.close();
      } catch (RuntimeException e) {
        log.debug("closing the HTTP connector: {}", e.toString());
      }
      boolean drained;
      try {
        drained = filter.awaitIdle(b.drainTimeout);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        drained = false;
      }
      if (!drained) {
        log.warn("HTTP shutdown: {} request(s) still running after {} s; stopping anyway", filter.inFlight(),
            b.drainTimeout.toSeconds());
      }
      drainedAll = drained;
      ClientLog.detach(sessions.sink());
      try {
        mcp.closeGracefully();
      } catch (RuntimeException e) {
        log.debug("closing the MCP sessions: {}", e.toString());
      }
      progress.close();
      log.info(SessionLeases.releasedMessage(sessionLeases.releaseAll()));
      try {
        jetty.stop();
      } catch (Exception e) {
        log.warn("stopping the HTTP server: {}", e.toString());
      }
      return drained;
    } finally {
      stopped.countDown();
    }
  }

  @Override
  public void close() {
    shutdown();
  }

  private List<String> allowedHosts(int bound) {
    List<String> hosts = new ArrayList<>();
    if (isLoopback(b.bind) || isWildcard(b.bind)) {
      hosts.add("127.0.0.1:" + bound);
      hosts.add("localhost:" + bound);
      hosts.add("[::1]:" + bound);
    }
    if (!isWildcard(b.bind)) {
      String own = hostForUrl(b.bind) + ":" + bound;
      if (!hosts.contains(own)) hosts.add(own);
    }
    for (String h : b.allowedHosts) if (!hosts.contains(h)) hosts.add(h);
    return hosts;
  }

  private List<String> allowedOrigins(int bound) {
    List<String> origins = new ArrayList<>();
    for (String h : allowedHosts(bound)) {
      origins.add("http://" + h);
      origins.add("https://" + h);
    }
    origins.addAll(b.corsOrigins);
    return origins;
  }

  static boolean isLoopback(String bind) {
    try {
      for (InetAddress a : InetAddress.getAllByName(bind)) {
        if (!a.isLoopbackAddress()) return false;
      }
      return true;
    } catch (UnknownHostException e) {
      return false;
    }
  }

  static boolean isWildcard(String bind) {
    try {
      return InetAddress.getByName(bind).isAnyLocalAddress();
    } catch (UnknownHostException e) {
      return false;
    }
  }

  private static String hostForUrl(String bind) {
    try {
      InetAddress a = InetAddress.getByName(bind);
      if (a instanceof Inet6Address && bind.contains(":")) return "[" + bind.replace("[", "").replace("]", "") + "]";
    } catch (UnknownHostException e) {
      // a name: used as it is
    }
    return bind;
  }

  /** Collects the server's settings; {@link #build()} checks them. */
  public static final class Builder {
    private String bind = HttpConfig.DEFAULT_BIND;
    private int port = HttpConfig.DEFAULT_PORT;
    private String token;
    private boolean noAuth;
    private List<String> corsOrigins = List.of();
    private List<String> allowedHosts = List.of();
    private long maxBodyBytes = 4L * 1024 * 1024;
    private Duration sessionIdle = Duration.ofMinutes(30);
    private Duration drainTimeout = Duration.ofSeconds(30);
    private int maxThreads = 200;
    private String serverName = "ipfs-kit";
    private String serverVersion = "0";
    private List<SyncToolSpecification> tools = List.of();
    private List<SyncResourceTemplateSpecification> resourceTemplates = List.of();
    private List<LongCall> longCalls = List.of();
    private JsonSchemaValidator schemaValidator;
    private final Map<String, HttpServlet> servlets = new LinkedHashMap<>();
    private Path staticDir;
    private Clock clock = Clock.systemUTC();

    private Builder() {}

    /** The settings of {@link HttpConfig} (bind, port, token, CORS, hosts, idle time); the token file is read here. */
    public Builder config(HttpConfig config) {
      bind(config.bind());
      port(config.port());
      config.readToken().ifPresent(this::token);
      corsOrigins(config.corsOrigins());
      allowedHosts(config.allowedHosts());
      sessionIdle(config.sessionIdle());
      return this;
    }

    public Builder bind(String address) {
      this.bind = requireNonNull(address, "bind");
      return this;
    }

    public Builder port(int port) {
      if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, but was " + port);
      this.port = port;
      return this;
    }

    /** The bearer token clients must send (never logged); without it and without {@link #noAuth} one is generated. */
    public Builder token(String token) {
      requireNonNull(token, "token");
      HttpConfig.parseToken(token);
      this.token = token;
      return this;
    }

    /** No token (allowed only with a loopback bind, checked by {@link #build()}). */
    public Builder noAuth() {
      this.noAuth = true;
      return this;
    }

    public Builder corsOrigins(List<String> origins) {
      this.corsOrigins = List.copyOf(origins);
      return this;
    }

    public Builder allowedHosts(List<String> hosts) {
      this.allowedHosts = List.copyOf(hosts);
      return this;
    }

    /** Largest request body; larger is answered 413. */
    public Builder maxBodyBytes(long bytes) {
      if (bytes < 1024) throw new IllegalArgumentException("maxBodyBytes must be >= 1024, but was " + bytes);
      this.maxBodyBytes = bytes;
      return this;
    }

    public Builder sessionIdle(Duration idle) {
      requireNonNull(idle, "sessionIdle");
      if (idle.isNegative() || idle.isZero()) throw new IllegalArgumentException("sessionIdle must be > 0, but was " + idle);
      this.sessionIdle = idle;
      return this;
    }

    /** How long {@link HttpServer#shutdown()} waits for requests in flight. */
    public Builder drainTimeout(Duration timeout) {
      requireNonNull(timeout, "drainTimeout");
      if (timeout.isNegative()) throw new IllegalArgumentException("drainTimeout must be >= 0, but was " + timeout);
      this.drainTimeout = timeout;
      return this;
    }

    public Builder maxThreads(int threads) {
      if (threads < 8) throw new IllegalArgumentException("maxThreads must be >= 8, but was " + threads);
      this.maxThreads = threads;
      return this;
    }

    /** The MCP server's identity and tools (the same list the stdio server gets). */
    public Builder mcp(String name, String version, List<SyncToolSpecification> tools) {
      this.serverName = requireNonNull(name, "name");
      this.serverVersion = requireNonNull(version, "version");
      this.tools = List.copyOf(tools);
      return this;
    }

    /**
     * Tools (among those of {@link #mcp}) that run as long calls: progress notifications while they
     * run, when the client asks for them.
     */
    public Builder longCalls(List<LongCall> calls) {
      this.longCalls = List.copyOf(calls);
      return this;
    }

    public Builder resourceTemplates(List<SyncResourceTemplateSpecification> templates) {
      this.resourceTemplates = List.copyOf(templates);
      return this;
    }

    /** The SDK's schema validator (default: the SDK's own). */
    public Builder schemaValidator(JsonSchemaValidator validator) {
      this.schemaValidator = requireNonNull(validator, "schemaValidator");
      return this;
    }

    /**
     * Mounts {@code servlet} at {@code pathSpec} (servlet syntax, e.g. {@code /api/*}) behind the same
     * filter as the MCP endpoint: Origin/Host, CORS, token, body limit. Its own JSON error bodies are
     * kept; a body showing a Java stack trace is replaced.
     *
     * @throws IllegalArgumentException for {@value #MCP_PATH}, {@code /} (static files) or a path without a leading /
     * @throws IllegalStateException when the path is already mounted
     */
    public Builder servlet(String pathSpec, HttpServlet servlet) {
      requireNonNull(pathSpec, "pathSpec");
      requireNonNull(servlet, "servlet");
      if (!pathSpec.startsWith("/") || pathSpec.equals("/") || pathSpec.equals(MCP_PATH) || pathSpec.startsWith(MCP_PATH + "/")) {
        throw new IllegalArgumentException("pathSpec must start with / and be neither / (static files) nor "
            + MCP_PATH + ", but was " + pathSpec);
      }
      if (servlets.containsKey(pathSpec)) throw new IllegalStateException("pathSpec " + pathSpec + " is already mounted");
      servlets.put(pathSpec, servlet);
      return this;
    }

    /**
     * Serves the files under {@code dir} at {@code /} ({@code index.html} for a folder; no listings).
     * {@code GET}/{@code HEAD} of these files need no token (a browser opening the dashboard URL cannot
     * send one); Origin/Host rules still apply.
     */
    public Builder staticDir(Path dir) {
      requireNonNull(dir, "staticDir");
      if (!Files.isDirectory(dir)) throw new IllegalArgumentException("staticDir must be a folder, but " + dir + " is not");
      if (staticDir != null) throw new IllegalStateException("staticDir was already set to " + staticDir);
      this.staticDir = dir.toAbsolutePath();
      return this;
    }

    /** The clock of the failed-attempt limiter and of the session leases' ages (tests). */
    public Builder clock(Clock clock) {
      this.clock = requireNonNull(clock, "clock");
      return this;
    }

    /**
     * Checks the settings.
     *
     * @throws IllegalArgumentException for {@code noAuth} with a non-loopback bind, or a token together with {@code noAuth}
     */
    public HttpServer build() {
      if (noAuth && token != null) {
        throw new IllegalArgumentException("--no-auth cannot be combined with a token (IPFS_KIT_HTTP_TOKEN or"
            + " IPFS_KIT_HTTP_TOKEN_FILE); drop one of them");
      }
      if (noAuth && !isLoopback(bind)) {
        throw new IllegalArgumentException("--no-auth is allowed only with a loopback bind (127.0.0.1, ::1, localhost),"
            + " but the bind address is " + bind);
      }
      return new HttpServer(this);
    }
  }
}
