package io.ipfskit.server.cli;

import io.ipfskit.core.resilience.PerformanceReport;
import io.ipfskit.core.resilience.Recommendation;
import io.ipfskit.server.KitHome;
import io.ipfskit.server.tools.PerformanceTools;
import java.io.PrintWriter;
import java.time.Duration;
import java.time.Instant;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.SerializationFeature;

/** {@code ipfs-kit report ...}: reports of the running system. */
@Command(name = "report", mixinStandardHelpOptions = true, description = "Reports of the running system.",
    subcommands = {ReportCommand.Performance.class})
final class ReportCommand implements Runnable {
  private final CliContext context;
  @Spec CommandSpec spec;

  ReportCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(), "Missing subcommand: performance");
  }

  /** {@code ipfs-kit report performance [--json] [--leak-threshold 5m]}. */
  @Command(name = "performance", mixinStandardHelpOptions = true,
      description = {"The performance report: breakers, retries, pools, caches, health, WAL append p99, leases"
          + " and leaks, with efficiency scores and recommendations (what the performance_report tool returns).",
          "It joins the home's WAL: when a server already runs it, the figures are that server's (asked over its"
              + " owner socket), else this process opens the backends and shows its own."})
  static final class Performance implements Callable<Integer> {
    @ParentCommand ReportCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the whole report as JSON.")
    boolean json;

    @Option(names = "--leak-threshold", defaultValue = "5m", paramLabel = "DURATION",
        description = "Leases held longer than this are leaks, e.g. 30s, 5m (default ${DEFAULT-VALUE}).")
    String leakThreshold;

    @Override
    public Integer call() {
      Duration threshold;
      try {
        threshold = DurationArg.parse("--leak-threshold", leakThreshold);
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("ipfs-kit report performance: " + e.getMessage());
        return 2;
      }
      WalCommand.quietLogs(false);
      try (KitHome home = parent.context.openHome()) {
        try {
          home.wal().service().status(); // joins: owner, or forwarding to the running server
        } catch (RuntimeException e) {
          spec.commandLine().getErr().println("ipfs-kit report performance: without WAL figures: " + e.getMessage());
        }
        PerformanceReport.Sources sources;
        try {
          sources = home.performanceSources(threshold);
        } catch (RuntimeException e) { // the owner went away and the log could not be taken over
          spec.commandLine().getErr().println("ipfs-kit report performance: without the WAL owner's figures: " + e.getMessage());
          sources = PerformanceReport.Sources.none();
        }
        PerformanceReport report = PerformanceReport.build(sources, Instant.now());
        PrintWriter out = spec.commandLine().getOut();
        if (json) {
          out.println(PerformanceTools.JSON.writer().with(SerializationFeature.INDENT_OUTPUT)
              .writeValueAsString(PerformanceTools.json(report)));
        } else {
          out.println(PerformanceTools.summary(report));
          for (Recommendation r : report.recommendations())
            out.println(r.severity() + " [" + r.area() + " " + r.subject() + "] " + r.advice());
        }
        out.flush();
        return 0;
      }
    }
  }
}
