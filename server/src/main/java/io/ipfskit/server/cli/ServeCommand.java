package io.ipfskit.server.cli;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.log.ClientLog;

import io.ipfskit.server.KitHome;
import io.ipfskit.server.Version;
import io.ipfskit.server.content.ContentResources;
import java.util.List;
import io.ipfskit.server.stdio.StdioServer;
import io.ipfskit.server.tools.SessionRoots;
import io.ipfskit.server.tools.ToolCatalog;
import java.io.BufferedOutputStream;
import java.io.FileDescriptor;
import java.io.FileInputStream;
import java.io.FileOutputStream;
import java.io.OutputStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "serve", mixinStandardHelpOptions = true,
    description = {"Run the MCP server, as an agent host starts it.",
        "With the stdio transport it reads JSON-RPC from stdin, writes only JSON-RPC to stdout (logs go to stderr)"
            + " and exits when stdin closes."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:stdin closed and the server stopped cleanly.",
        "1:The server could not start or stopped on a failure (the message on stderr says why).",
        Main.EXIT_CODE_USAGE})
final class ServeCommand implements Callable<Integer> {

  enum Transport { stdio }

  @Option(names = "--transport", defaultValue = "stdio",
      description = "Transport to serve on: ${COMPLETION-CANDIDATES} (default: ${DEFAULT-VALUE}).")
  Transport transport = Transport.stdio;

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
    try (KitHome home = context.openHome()) {
      // stdout belongs to JSON-RPC: anything a library prints with System.out goes to stderr.
      OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
      System.setOut(System.err);
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
}
