package io.ipfskit.server.cli;

import io.ipfskit.server.Version;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "ipfs-kit",
    mixinStandardHelpOptions = true,
    versionProvider = RootCommand.ManifestVersion.class,
    description = {"MCP server for an encrypted secrets vault and durable storage operations.",
        "Home: $IPFS_KIT_HOME (default ~/.ipfs_kit).",
        "Settings: the file config.properties in the home, overridden by IPFS_KIT_* environment variables."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {Main.EXIT_CODE_OK, Main.EXIT_CODE_FAILURE, Main.EXIT_CODE_USAGE,
        "3:'wal wait' only: the operation is still running at --timeout."},
    subcommands = {ServeCommand.class, SecretsCommand.class, WalCommand.class, BreakersCommand.class, BenchCommand.class,
        ManifestCommand.class, HealthCommand.class, ReportCommand.class,
        CommandLine.HelpCommand.class})
final class RootCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing command: try 'ipfs-kit serve' or 'ipfs-kit --help'");
  }

  static final class ManifestVersion implements CommandLine.IVersionProvider {
    @Override
    public String[] getVersion() {
      return new String[] {"ipfs-kit " + Version.current()};
    }
  }
}
