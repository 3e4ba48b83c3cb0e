package io.ipfskit.server.cli;

import io.ipfskit.server.KitConfig;

import io.ipfskit.server.KitHome;
import io.ipfskit.server.Version;
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

  private final CliContext context;

  ServeCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws Exception {
    try (KitHome home = context.openHome()) {
      // stdout belongs to JSON-RPC: anything a library prints with System.out goes to stderr.
      OutputStream stdout = new BufferedOutputStream(new FileOutputStream(FileDescriptor.out), 64 * 1024);
      System.setOut(System.err);
      home.joinWalInBackground();  // after the redirect: WAL recovery may load chatty libraries
      SessionRoots roots = SessionRoots.forProcess(home.config().allowedRoots(), home.directory());
      return StdioServer.run(new FileInputStream(FileDescriptor.in), stdout, "ipfs-kit", Version.current(),
          ToolCatalog.all(home, roots), roots::rootsListChanged, ToolCatalog.longCalls(home, roots),
          home.config().settings().get(KitConfig.MAX_MESSAGE_BYTES, StdioServer.MAX_LINE_BYTES));
    }
  }
}
