package io.ipfskit.server.cli;

import io.ipfskit.core.wal.WalException;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import io.ipfskit.server.wal.WalCalls;
import io.ipfskit.server.wal.WalMethod;
import java.io.PrintWriter;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ipfs-kit breakers [NAME]}: the circuit breakers of the storage backends, as {@code
 * circuit_breaker_status} shows them. They live in the process owning the home's WAL (a running
 * server), which this command asks over the owner socket; with no server running this command owns
 * the log for its duration, so it shows freshly opened breakers (closed, empty windows). Exit codes:
 * 0 success, 1 the owner could not be reached, 2 usage or an unknown breaker.
 */
@Command(name = "breakers", mixinStandardHelpOptions = true,
    description = "List the circuit breakers of the storage backends (state, rates, calls in window, ramp).",
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {Main.EXIT_CODE_OK, "1:The process owning the WAL (where the breakers live) cannot be reached.",
        "2:Usage or configuration error, or no breaker has that NAME (the message lists the known ones)."})
final class BreakersCommand implements Callable<Integer> {
  @Spec CommandSpec spec;

  @Parameters(arity = "0..1", paramLabel = "NAME", description = "Only this breaker (e.g. local, ipfs, s3).")
  String name;

  @Option(names = "--json", description = "Print the result as JSON (the circuit_breaker_status shape).")
  boolean json;

  @Option(names = "--verbose", description = "Also log what the log does (open, recovery, ownership) on stderr.")
  boolean verbose;

  private final CliContext context;

  BreakersCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    WalCommand.quietLogs(verbose);
    PrintWriter err = spec.commandLine().getErr();
    try (SharedWal wal = SharedWal.forHome(context.config(), null)) {
      ObjectNode args = OperationJson.MAPPER.createObjectNode();
      if (name != null) args.put("breaker", name);
      ObjectNode r = WalCalls.call(wal.service(), WalMethod.BREAKERS, args, WalCalls.Edge.SOCKET, "breakers", null);
      print(r, spec.commandLine().getOut());
      return 0;
    } catch (WalException e) {
      err.println("ipfs-kit breakers: " + e.getMessage());
      return e.kind().exitCode();
    } catch (WalCallException e) {
      err.println("ipfs-kit breakers: " + CliWording.forCli(e.getMessage()));
      return WalCommand.EXIT_ERROR;
    }
  }

  private void print(ObjectNode r, PrintWriter out) {
    if (json) {
      out.println(OperationJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(r));
      return;
    }
    out.printf("%-24s  %-13s  %8s  %8s  %6s  %7s  %s%n", "BREAKER", "STATE", "FAIL%", "SLOW%", "CALLS", "ADMIT", "LAST TRANSITION");
    for (JsonNode b : r.path("breakers")) {
      JsonNode h = b.path("history");
      JsonNode last = h.isEmpty() ? null : h.get(h.size() - 1);
      out.printf("%-24s  %-13s  %8s  %8s  %6d  %7s  %s%n", b.path("name").asString(), b.path("state").asString(),
          rate(b.path("failure_rate_percent")), rate(b.path("slow_call_rate_percent")), b.path("calls_in_window").asInt(),
          String.format("%.0f%%", b.path("admitted_rate").asDouble() * 100),
          last == null ? "-" : last.path("at").asString() + " " + last.path("from").asString() + "->"
              + last.path("to").asString() + " (" + last.path("cause").asString() + ")");
    }
  }

  private static String rate(JsonNode n) {
    return n.asDouble() < 0 ? "-" : String.format("%.1f", n.asDouble());
  }
}
