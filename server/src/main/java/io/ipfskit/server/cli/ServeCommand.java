package io.ipfskit.server.cli;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.log.ClientLog;

import io.ipfskit.server.KitHome;
import io.ipfskit.server.Version;
import io.ipfskit.server.content.ContentResources;
import java.util.List;
import io.ipfskit.server.http.DashboardFiles;
import io.ipfskit.server.http.HttpConfig;
import io.ipfskit.server.http.HttpServer;
import io.ipfskit.server.rest.RestApi;
import io.ipfskit.server.stdio.LazySchemaValidator;
import io.ipfskit.server.stdio.StdioServer;
import io.ipfskit.server.tools.SessionRoots;
import io.ipfskit.server.tools.ToolCatalog;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.ArrayList;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the MCP server, as an agent host starts it.",
        "With the stdio transport (the default) it reads JSON-RPC from stdin, writes only JSON-RPC to stdout (logs go"
            + " to stderr) and exits when stdin closes.",
        "With --http it serves MCP Streamable HTTP at http://127.0.0.1:8787/mcp (bearer token required; a generated"
            + " one is printed on stderr with the dashboard URL) until SIGTERM or Ctrl-C, then stops accepting,"
            + " lets calls in flight finish (at most 30 s) and closes the write-ahead log.",
        "--stdio --http serves both in one process, sharing one home; it stops when stdin closes."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:stdin closed (or, with --http alone, the server was stopped) and the server stopped cleanly.",
        "1:The server could not start or stopped on a failure (the message on stderr says why).",
        Main.EXIT_CODE_USAGE})
final class ServeCommand implements Callable<Integer> {

  enum Transport { stdio }

  @Option(names = "--transport", defaultValue = "stdio",
      description = "Transport to serve on: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}); see also --http.")
  Transport transport = Transport.stdio;

  @Option(names = "--stdio", description = "Serve stdio (the default without --http; with --http: both).")
  boolean stdio;

  @Option(names = "--http", description = "Serve MCP Streamable HTTP at /mcp (see --bind, --port).")
  boolean http;

  @Option(names = "--bind", paramLabel = "ADDRESS",
      description = "Address to listen on (default: IPFS_KIT_HTTP_BIND, else 127.0.0.1). Anything but loopback is"
          + " reachable from the network.")
  String bind;

  @Option(names = "--port", paramLabel = "PORT",
      description = "TCP port (default: IPFS_KIT_HTTP_PORT, else 8787; 0 = any free port).")
  Integer port;

  @Option(names = "--cors-origin", paramLabel = "ORIGIN",
      description = "A browser origin (scheme://host[:port]) whose pages may call the server; repeatable; never '*'"
          + " (default: IPFS_KIT_HTTP_CORS_ORIGINS, else none).")
  List<String> corsOrigins = new ArrayList<>();

  @Option(names = "--allowed-host", paramLabel = "HOST[:PORT]",
      description = "An extra Host header value to accept (e.g. a DNS name for a non-loopback bind); repeatable.")
  List<String> allowedHosts = new ArrayList<>();

  @Option(names = "--no-auth",
      description = "Serve HTTP without a token (only with a loopback bind; every local process can then call every"
          + " tool).")
  boolean noAuth;

  @Option(names = "--check",
      description = {"Do not serve: check the configuration, the master password (unlock the vault), the",
          "write-ahead log (open and recover it, or reach the process that owns it) and the storage backends;",
          "print one line per check and exit 0 when all pass, 2 otherwise. Run it before adding the server to a host."})
  boolean check;

  private final CliContext context;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    if (check) {
      return new StartupCheck(context.stdout()).run(context);
    }
    if (!http && (bind != null || port != null || !corsOrigins.isEmpty() || !allowedHosts.isEmpty() || noAuth)) {
      throw new IllegalArgumentException("--bind, --port, --cors-origin, --allowed-host and --no-auth need --http");
    }
    if (http) HttpServer.keepRequestBodiesOutOfDebugLogs();
    try (KitHome home = context.openHome()) {
      if (!http) {
        return serveStdio(home);
      }
      HttpServer server = httpServer(home);
      if (stdio) {
        // stdout belongs to JSON-RPC before anything else starts.
        OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
        System.setOut(System.err);
        start(server, home);
        try {
          return serveStdio(home, stdout);
        } finally {
          server.shutdown(); // stdin closed: the host is gone, so is the HTTP side
        }
      }
      start(server, home);
      server.join(); // until SIGTERM / Ctrl-C: the shutdown hook stops it
      return 0;
    }
  }

  /** The HTTP server for this home, configured but not started. */
  private HttpServer httpServer(KitHome home) {
    HttpConfig config = HttpConfig.from(home.config().settings())
        .withOverrides(bind, port, corsOrigins, allowedHosts);
    // Sessions share this process: the operator's roots apply to all, a client's MCP roots to none.
    SessionRoots roots = SessionRoots.operatorOnly(home.config().allowedRoots(), home.directory());
    HttpServer.Builder builder = HttpServer.builder().config(config)
        .maxBodyBytes(home.config().settings().get(KitConfig.MAX_MESSAGE_BYTES, StdioServer.MAX_LINE_BYTES))
        .mcp("ipfs-kit", Version.current(), ToolCatalog.all(home, roots))
        .longCalls(ToolCatalog.longCalls(home, roots)) // progress while wal_wait_for_operation waits
        // The REST API behind the same gate, on the same WAL calls as the tools.
        .servlet(RestApi.PATH_SPEC, new RestApi(() -> home.wal().service(), () -> roots.policy(null),
            home::performanceSources))
        .schemaValidator(new LazySchemaValidator());
    ContentResources resources = new ContentResources(home::contentReader, q -> home.wal().service().list(q));
    builder.resourceTemplates(List.of(resources.template()));
    if (noAuth) builder.noAuth();
    // The web dashboard the build bundled into the jar (dashboard/ on the class path), served at /.
    DashboardFiles.onClassPath().ifPresentOrElse(builder::staticDir,
        () -> context.stderr().println("ipfs-kit: this build has no dashboard (built with -Ddashboard.skip=true); / answers 404"));
    HttpServer server = builder.build();
    home.reportLeasesOf(server::sessionLeases); // its MCP sessions join the performance report's leases
    return server;
  }

  /** Starts {@code server}, prints where it is, and stops it (and closes the home) on SIGTERM. */
  private void start(HttpServer server, KitHome home) {
    home.joinWalInBackground();
    server.start();
    Thread hook = new Thread(() -> {
      server.shutdown();
      home.close(); // flushes and closes the write-ahead log
    }, "ipfs-kit-shutdown");
    Runtime.getRuntime().addShutdownHook(hook);
    home.unlockVaultInBackground(cause -> ClientLog.error(ClientLog.SECRETS, cause));
    java.io.PrintStream err = context.stderr();
    err.println("ipfs-kit: MCP Streamable HTTP at " + server.baseUrl() + HttpServer.MCP_PATH);
    if (server.token().isEmpty()) {
      err.println("ipfs-kit: no authentication (--no-auth); dashboard: " + server.dashboardUrl());
    } else if (server.tokenGenerated()) {
      err.println("ipfs-kit: dashboard (the token is in the #fragment): " + server.dashboardUrl());
      err.println("ipfs-kit: clients send 'Authorization: Bearer " + server.token().get() + "' (a new token each start;"
          + " set IPFS_KIT_HTTP_TOKEN_FILE to keep one)");
    } else {
      err.println("ipfs-kit: dashboard: " + server.baseUrl() + "/#token=<your token> (token from "
          + (home.config().settings().value(HttpConfig.TOKEN_FILE.name()).isPresent() ? HttpConfig.TOKEN_FILE.name()
              : HttpConfig.TOKEN.name()) + ")");
    }
    err.flush();
  }

  private int serveStdio(KitHome home) throws Exception {
    // stdout belongs to JSON-RPC: anything a library prints with System.out goes to stderr.
    OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
    System.setOut(System.err);
    return serveStdio(home, stdout);
  }

  private int serveStdio(KitHome home, OutputStream stdout) throws Exception {
    home.joinWalInBackground();  // after the redirect: WAL recovery may load chatty libraries
    SessionRoots roots = SessionRoots.forProcess(home.config().allowedRoots(), home.directory());
    ContentResources resources = new ContentResources(home::contentReader, q -> home.wal().service().list(q));
    // The vault is unlocked right after initialize, in the background: a wrong password is logged
    // (logger ipfs-kit.vault) at once, and each secrets call answers the cause naming the variable used.
    StdioServer.Features features = new StdioServer.Features(List.of(resources.template()), resources::recentAdds,
        // ... and sent to the client as a logging notification (logger ipfs-kit.secrets).
        () -> home.unlockVaultInBackground(cause -> ClientLog.error(ClientLog.SECRETS, cause)));
    return StdioServer.run(new FileInputStream(FileDescriptor.in), stdout, "ipfs-kit", Version.current(),
        ToolCatalog.all(home, roots), roots::rootsListChanged, features, ToolCatalog.longCalls(home, roots),
        ToolCatalog.runsInline(home, roots), home.config().settings().get(KitConfig.MAX_MESSAGE_BYTES, StdioServer.MAX_LINE_BYTES));
  }
}
