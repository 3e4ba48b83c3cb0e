package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayInputStream;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

/** The --help text of every command: whole-sentence summaries and the exit codes. */
class HelpTextTest {

  @TempDir Path temp;

  private static List<CommandLine> everyCommand() {
    CliContext context = new CliContext(Map.of(), Path.of("/"), new ByteArrayInputStream(new byte[0]), System.out, System.err);
    CommandLine root = new CommandLine(RootCommand.class, new Main.ContextFactory(context));
    List<CommandLine> all = new ArrayList<>();
    collect(root, all);
    return all;
  }

  private static void collect(CommandLine c, List<CommandLine> into) {
    if (c.getCommandName().equals("help")) return;  // picocli's own
    into.add(c);
    c.getSubcommands().values().forEach(sub -> collect(sub, into));
  }

  @Test
  void summary_everyCommand_isOneWholeSentence() {
    List<String> bad = new ArrayList<>();
    for (CommandLine c : everyCommand()) {
      String[] description = c.getCommandSpec().usageMessage().description();
      // The "Commands:" list of the parent shows only the first element: it must stand alone.
      String summary = description.length == 0 ? "" : description[0];
      if (!summary.matches("[A-Z].*[.)]") || summary.endsWith(",") || summary.strip().length() < 10) {
        bad.add(c.getCommandSpec().qualifiedName() + ": '" + summary + "'");
      }
    }
    assertEquals(List.of(), bad);
  }

  @Test
  void commandsList_rootAndSecrets_showsEveryNewCommandWithItsWholeSummary() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.toString()), temp,
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, Main.run(context, "secrets", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("  store            Store a new secret and print its secret_id on stdout."), help);
    assertTrue(help.contains("  get              Print a secret's current value on stdout, followed by a"), help);
    assertTrue(help.contains("Exit codes:"), help);
    out.reset();
    assertEquals(0, Main.run(context, "--help"));
    assertTrue(out.toString(StandardCharsets.UTF_8).contains("  serve     Run the MCP server, as an agent host starts it."),
        out.toString(StandardCharsets.UTF_8));
  }

  @Test
  void exitCodes_walWait_listsTheTimeoutCode() {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    CliContext context = new CliContext(Map.of("IPFS_KIT_HOME", temp.toString()), temp,
        new ByteArrayInputStream(new byte[0]), new PrintStream(out, true, StandardCharsets.UTF_8), System.err);
    assertEquals(0, Main.run(context, "wal", "wait", "--help"));
    String help = out.toString(StandardCharsets.UTF_8);
    assertTrue(help.contains("Exit codes:"), help);
    assertTrue(help.contains("  3   The operation is still running at --timeout (wait again, or cancel it)."), help);
  }
}
