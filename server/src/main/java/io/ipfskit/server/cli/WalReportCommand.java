package io.ipfskit.server.cli;

import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import io.ipfskit.server.wal.WalService;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.server.wal.OperationJson;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/** {@code ipfs-kit wal report --output DIR [--window 24h]}: a self-contained HTML page of the log. */
@Command(name = "report", mixinStandardHelpOptions = true,
    description = {"Write an HTML report of the log to DIR/wal-report.html.",
        "It shows status counts, operations over time, latency and backend health over the window; the page is"
            + " self-contained (inline SVG, no network)."})
final class WalReportCommand implements Callable<Integer> {
  /** Operations read for one report at most; the page says when the window held more. */
  static final int MAX_OPERATIONS = 200_000;
  private static final int PAGE = 10_000;

  @ParentCommand WalCommand parent;
  @Spec CommandSpec spec;

  @Option(names = "--output", required = true, paramLabel = "DIR", description = "Directory to write wal-report.html into (created if missing).")
  Path output;

  @Option(names = "--window", defaultValue = "24h", paramLabel = "DURATION", description = "How far back to look, e.g. 1h, 24h, 7d (default ${DEFAULT-VALUE}).")
  String window;

  @Option(names = "--verbose", description = "Also log what the log does (open, recovery, ownership) on stderr.")
  boolean verbose;

  @Override
  public Integer call() {
    Duration w;
    try {
      w = DurationArg.parse("--window", window);
    } catch (IllegalArgumentException e) {
      spec.commandLine().getErr().println("ipfs-kit wal report: " + e.getMessage());
      return WalCommand.EXIT_USAGE;
    }
    WalCommand.quietLogs(verbose);
    try (SharedWal wal = parent.openWal()) {
      Instant now = Instant.now();
      WalReportPage.Data data = collect(wal, now, w);
      Path file = write(output, WalReportPage.render(data));
      spec.commandLine().getOut().println("wrote " + file + " (" + data.operations().size() + " operations in the last " + window + ")");
      return 0;
    } catch (WalException e) {
      spec.commandLine().getErr().println("ipfs-kit wal report: " + e.getMessage());
      return e.kind().exitCode();
    } catch (WalCallException | IOException e) {
      spec.commandLine().getErr().println("ipfs-kit wal report: " + e.getMessage());
      return WalCommand.EXIT_ERROR;
    }
  }

  static WalReportPage.Data collect(SharedWal wal, Instant now, Duration window) {
    Instant start = now.minus(window);
    WalService service = wal.service();
    ObjectNode status = OperationJson.status(service.status());
    ObjectNode health = OperationJson.health(service.health());
    ObjectNode metrics = OperationJson.metrics(service.metrics());
    List<WalReportPage.Op> ops = new ArrayList<>();
    boolean truncated = false;
    int offset = 0;
    paging:
    while (true) {
      JsonNode page = OperationJson.operations(service.list(new OperationQuery(null, null, PAGE, offset)));
      for (JsonNode o : page) {
        Instant created = Instant.parse(o.path("timestamp").asString());
        if (created.isBefore(start)) break paging;  // newest first: the rest is older still
        if (ops.size() == MAX_OPERATIONS) {
          truncated = true;
          break paging;
        }
        ops.add(WalReportPage.Op.from(o));
      }
      if (page.size() < PAGE) break;
      offset += PAGE;
    }
    return new WalReportPage.Data(now, start, window, wal.walDirectory().toString(), status, health, metrics, ops, truncated);
  }

  /** temp file → atomic move, so a reader never sees half a page. */
  static Path write(Path dir, String html) throws IOException {
    Files.createDirectories(dir);
    Path file = dir.resolve("wal-report.html");
    Path tmp = Files.createTempFile(dir, ".wal-report", ".tmp");
    try {
      Files.writeString(tmp, html, StandardCharsets.UTF_8);
      Files.move(tmp, file, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    } finally {
      Files.deleteIfExists(tmp);
    }
    return file;
  }
}
