package io.ipfskit.server.cli;

import io.ipfskit.server.KitConfig;
import io.ipfskit.server.KitHome;
import io.ipfskit.server.Manifest;
import io.ipfskit.server.Version;
import io.ipfskit.server.bench.StdioBench;
import io.ipfskit.server.tools.ToolCatalog;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "manifest", mixinStandardHelpOptions = true,
    description = {"Print tools.json, exactly what tools/list returns.",
        "With --write DIR it writes tools.json and server.json (the MCP registry entry) into DIR instead.",
        "Regenerate the checked-in copies with:",
        "  java -jar server/target/ipfs-kit.jar manifest --write tools-manifest"},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {Main.EXIT_CODE_OK, "1:Writing DIR failed.", Main.EXIT_CODE_USAGE})
final class ManifestCommand implements Callable<Integer> {

  @Option(names = "--write", paramLabel = "DIR", description = "Write tools.json and server.json into DIR.")
  Path directory;

  private final CliContext context;

  ManifestCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() throws IOException {
    // The tools only reach their components when called, so an empty scratch home is enough.
    Path scratch = Files.createTempDirectory("ipfs-kit-manifest-");
    String tools;
    try (KitHome home = KitHome.open(KitConfig.defaults(scratch))) {
      tools = Manifest.toolsJson(ToolCatalog.all(home));
    } finally {
      StdioBench.deleteTree(scratch);
    }
    if (directory == null) {
      context.stdout().print(tools);
      return 0;
    }
    Files.createDirectories(directory);
    Files.writeString(directory.resolve("tools.json"), tools, StandardCharsets.UTF_8);
    Files.writeString(directory.resolve("server.json"), Manifest.serverJson(Version.current()), StandardCharsets.UTF_8);
    context.stdout().println("wrote " + directory.resolve("tools.json") + " and " + directory.resolve("server.json"));
    return 0;
  }
}
