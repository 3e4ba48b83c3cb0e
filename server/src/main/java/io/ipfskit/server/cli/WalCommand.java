package io.ipfskit.server.cli;

import io.ipfskit.core.wal.RepairReport;
import io.ipfskit.server.KitConfig;
import io.ipfskit.core.wal.WalConfig;
import io.ipfskit.core.wal.WriteAheadLog;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.SharedWal;
import io.ipfskit.server.wal.WalCallException;
import io.ipfskit.core.wal.Operation;
import io.ipfskit.core.wal.OperationQuery;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.core.wal.WalException;
import io.ipfskit.server.wal.WalCalls;
import io.ipfskit.server.wal.WalService;
import java.io.IOException;
import java.io.PrintWriter;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.Callable;
import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;
import picocli.CommandLine.ParentCommand;
import picocli.CommandLine.Spec;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * {@code ipfs-kit wal ...}: inspect and manage the home's write-ahead log. Each command forwards to
 * the process that owns the log (a running server) or, when none does, opens the log itself for
 * the duration of the command. Exit codes: 0 success, 1 error, 2 usage (and a WAL error whose kind is
 * the caller's input: {@link WalException.Kind#exitCode()}), 3 wait timed out.
 */
@Command(name = "wal", mixinStandardHelpOptions = true,
    description = "Inspect and manage the write-ahead log of storage operations.",
    subcommands = {
        WalCommand.Status.class, WalCommand.ListOps.class, WalCommand.Show.class, WalCommand.Wait.class,
        WalCommand.Retry.class, WalCommand.Cancel.class, WalCommand.Cleanup.class, WalCommand.Health.class,
        WalCommand.Repair.class, WalReportCommand.class})
final class WalCommand implements Runnable {
  static final int EXIT_ERROR = 1;
  static final int EXIT_USAGE = 2;
  static final int EXIT_TIMEOUT = 3;
  /** The longest one wait call blocks on the owner; longer waits take several calls. */
  static final Duration MAX_WAIT_STEP = Duration.ofSeconds((long) WalCalls.MAX_WAIT_SECONDS);

  @Spec CommandSpec spec;

  private final CliContext context;

  WalCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: status, list, show, wait, retry, cancel, cleanup, health, repair or report");
  }

  /** The home and its {@code IPFS_KIT_*} settings (file, then environment). */
  KitConfig config() {
    return context.config();
  }

  /** Joins the home's WAL as a one-shot command: forward to the owner, or own it until closed. */
  SharedWal openWal() throws IOException {
    return SharedWal.forHome(config(), null);
  }

  /** Shared plumbing: open the shared WAL, run, print errors as one line on stderr. */
  abstract static class Sub implements Callable<Integer> {
    @ParentCommand WalCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--json", description = "Print the result as JSON.")
    boolean json;

    @Option(names = "--verbose", description = "Also log what the log does (open, recovery, ownership) on stderr.")
    boolean verbose;

    PrintWriter out() {
      return spec.commandLine().getOut();
    }

    @Override
    public final Integer call() {
      try {
        validate();
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("ipfs-kit wal " + spec.name() + ": " + e.getMessage());
        return EXIT_USAGE;
      }
      quietLogs(verbose);
      try (SharedWal wal = parent.openWal()) {
        return run(wal.service());
      } catch (WalException e) {
        spec.commandLine().getErr().println("ipfs-kit wal " + spec.name() + ": " + e.getMessage()
            + (e.kind() == WalException.Kind.OPERATION_NOT_FOUND ? "; list known ids with 'ipfs-kit wal list'" : ""));
        return e.kind().exitCode();
      } catch (WalCallException e) {
        spec.commandLine().getErr().println("ipfs-kit wal " + spec.name() + ": " + CliWording.forCli(e.getMessage()));
        return EXIT_ERROR;  // the log could not be reached or failed inside; input errors are WalExceptions
      } catch (IOException e) {
        spec.commandLine().getErr().println("ipfs-kit wal " + spec.name() + ": " + e.getMessage());
        return EXIT_ERROR;
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("ipfs-kit wal " + spec.name() + ": " + e.getMessage());
        return EXIT_USAGE;
      }
    }

    /** Checks options that need no log, before the log is opened. */
    void validate() {}

    abstract int run(WalService wal) throws IOException;

    void printJson(JsonNode n) {
      out().println(OperationJson.MAPPER.writerWithDefaultPrettyPrinter().writeValueAsString(n));
    }
  }

  @Command(name = "status", mixinStandardHelpOptions = true, description = "Show the counts of operations by status and the log's state.")
  static final class Status extends Sub {
    @Override
    int run(WalService wal) {
      ObjectNode r = OperationJson.status(wal.status());
      if (json) {
        printJson(r);
      } else {
        if (!r.has("last_checkpoint")) r.putNull("last_checkpoint"); // shown as "-"
        r.properties().forEach(e -> out().printf("%-20s %s%n", e.getKey(), e.getValue().isNull() ? "-" : e.getValue().asString()));
      }
      return 0;
    }
  }

  @Command(name = "list", mixinStandardHelpOptions = true, description = "List operations, newest first.")
  static final class ListOps extends Sub {
    @Parameters(arity = "0..1", paramLabel = "STATUS",
        description = "Only this status: pending, processing, completed, failed, retrying, cancelled.")
    String status;

    @Option(names = "--backend", paramLabel = "NAME", description = "Only this backend.")
    String backend;

    @Option(names = "--limit", defaultValue = "100", description = "At most this many (1..10000, default ${DEFAULT-VALUE}).")
    int limit;

    @Option(names = "--offset", defaultValue = "0", description = "Skip this many first (default ${DEFAULT-VALUE}).")
    int offset;

    private OperationQuery query;

    @Override
    void validate() {
      query = new OperationQuery(status == null ? null : OperationStatus.parse("STATUS", status), backend, limit, offset);
    }

    @Override
    int run(WalService wal) {
      ObjectNode r = OperationJson.list(wal.list(query));
      if (json) {
        printJson(r);
        return 0;
      }
      out().printf("%-36s  %-8s  %-8s  %-10s  %3s  %-20s  %s%n", "OPERATION_ID", "TYPE", "BACKEND", "STATUS", "PRI", "CREATED", "RESULT / ERROR");
      for (JsonNode o : r.path("operations")) {
        out().printf("%-36s  %-8s  %-8s  %-10s  %3d  %-20s  %s%n", o.path("operation_id").asString(),
            o.path("operation_type").asString(), o.path("backend").asString(), o.path("status").asString(),
            o.path("priority").asInt(), java.time.Instant.parse(o.path("timestamp").asString())
                .truncatedTo(java.time.temporal.ChronoUnit.SECONDS), outcome(o));
      }
      out().println(r.path("count").asInt() + " operation(s)");
      return 0;
    }
  }

  @Command(name = "show", mixinStandardHelpOptions = true, description = "Show one operation as JSON.")
  static final class Show extends Sub {
    @Parameters(paramLabel = "ID", description = "The operation id.")
    String id;

    @Override
    int run(WalService wal) {
      printJson(OperationJson.operation(wal.get(id)));
      return 0;
    }
  }

  @Command(name = "wait", mixinStandardHelpOptions = true,
      description = "Wait until an operation finishes.",
      exitCodeListHeading = Main.EXIT_CODES_HEADING,
      exitCodeList = {"0:The operation completed.", "1:The operation failed or was cancelled, or the log cannot be reached.",
          Main.EXIT_CODE_USAGE, "3:The operation is still running at --timeout (wait again, or cancel it)."})
  static final class Wait extends Sub {
    @Parameters(paramLabel = "ID", description = "The operation id.")
    String id;

    @Option(names = "--timeout", defaultValue = "60s", paramLabel = "DURATION",
        description = "How long to wait, e.g. 30s, 5m, 1h (default ${DEFAULT-VALUE}).")
    String timeout;

    private Duration total;

    @Override
    void validate() {
      total = DurationArg.parse("--timeout", timeout);
    }

    @Override
    int run(WalService wal) {
      Instant deadline = Instant.now().plus(total);
      ObjectNode r;
      do {  // one call waits at most 300 s on the owner; longer waits take several calls
        Duration left = Duration.between(Instant.now(), deadline);
        Duration step = left.compareTo(MAX_WAIT_STEP) > 0 ? MAX_WAIT_STEP : left.isNegative() || left.isZero() ? Duration.ofMillis(1) : left;
        r = OperationJson.waited(wal.waitFor(id, step));
      } while (!r.path("finished").asBoolean() && Instant.now().isBefore(deadline));
      if (json) {
        printJson(r);
      } else {
        out().println(id + " " + r.path("status").asString() + outcomeSuffix(r.path("operation")));
      }
      if (r.path("completed").asBoolean()) return 0;
      return r.path("finished").asBoolean() ? EXIT_ERROR : EXIT_TIMEOUT;
    }
  }

  /** retry and cancel: one operation id in, its new status out. */
  abstract static class Transition extends Sub {
    @Parameters(paramLabel = "ID", description = "The operation id.")
    String id;

    abstract Operation apply(WalService wal, String id);

    @Override
    int run(WalService wal) {
      ObjectNode r = OperationJson.single(apply(wal, id));
      if (json) printJson(r); else out().println(id + " " + r.path("operation").path("status").asString());
      return 0;
    }
  }

  @Command(name = "retry", mixinStandardHelpOptions = true, description = "Put a failed or cancelled operation back to pending.")
  static final class Retry extends Transition {
    @Override
    Operation apply(WalService wal, String id) {
      return wal.retry(id);
    }
  }

  @Command(name = "cancel", mixinStandardHelpOptions = true, description = "Cancel a pending or retrying operation.")
  static final class Cancel extends Transition {
    @Override
    Operation apply(WalService wal, String id) {
      return wal.cancel(id);
    }
  }

  @Command(name = "cleanup", mixinStandardHelpOptions = true, description = "Remove finished operations older than --age-days.")
  static final class Cleanup extends Sub {
    @Option(names = "--age-days", paramLabel = "DAYS", description = "Age in days (default: the configured max_age_days).")
    Integer ageDays;

    @Option(names = "--status", paramLabel = "STATUS", description = "Only this final status: completed, failed or cancelled.")
    String status;

    private OperationStatus finished;

    @Override
    void validate() {
      if (ageDays != null && (ageDays < 0 || ageDays > WalCalls.MAX_AGE_DAYS)) {
        throw new IllegalArgumentException("--age-days must be between 0 and " + WalCalls.MAX_AGE_DAYS);
      }
      if (status != null) {
        finished = OperationStatus.parse("--status", status);
        if (!finished.isTerminal()) {
          throw new IllegalArgumentException("--status must be a finished status (completed, failed or cancelled)");
        }
      }
    }

    @Override
    int run(WalService wal) {
      ObjectNode r = OperationJson.cleanup(wal.cleanup(ageDays, finished));
      if (json) printJson(r); else out().println("removed " + r.path("removed_count").asLong() + " operation(s)");
      return 0;
    }
  }

  @Command(name = "health", mixinStandardHelpOptions = true, description = "Show whether the log accepts writes, and the backends' health.",
      exitCodeListHeading = Main.EXIT_CODES_HEADING,
      exitCodeList = {"0:The log is healthy.", "1:The log is unhealthy (e.g. failed closed), or cannot be reached.",
          Main.EXIT_CODE_USAGE})
  static final class Health extends Sub {
    @Override
    int run(WalService wal) {
      ObjectNode r = OperationJson.health(wal.health());
      if (json) {
        printJson(r);
      } else {
        out().println("wal: " + (r.path("healthy").asBoolean() ? "healthy" : "UNHEALTHY")
            + (r.path("failed_closed").asBoolean() ? " (failed closed after an fsync error: restart the server)" : ""));
        out().printf("pending %d, retrying %d, failed %d%n", r.path("pending").asLong(), r.path("retrying").asLong(), r.path("failed").asLong());
        for (JsonNode b : r.path("backends")) {
          out().printf("backend %-10s %-10s completed %d, failed %d, retries %d%n", b.path("backend").asString(),
              b.path("health").asString(), b.path("completed").asLong(), b.path("failed").asLong(), b.path("retries").asLong());
        }
      }
      return r.path("healthy").asBoolean() ? 0 : EXIT_ERROR;
    }
  }

  /** Not a {@link Sub}: it must not open the log, which refuses to open when it is corrupt. */
  @Command(name = "repair", mixinStandardHelpOptions = true,
      description = {"Cut a torn tail off the log's last segment, keeping a .broken copy.",
          "Damage in the middle of the log is only reported (with how many acknowledged records cutting there would"
              + " drop) unless --drop-after-damage is given. Refuses while a server owns the log."})
  static final class Repair implements Callable<Integer> {
    @ParentCommand WalCommand parent;
    @Spec CommandSpec spec;

    @Option(names = "--drop-after-damage", description = "Also repair damage in the middle of the log: keep .broken"
        + " copies, truncate the damaged segment at the damage and move every later segment aside, dropping the"
        + " acknowledged records written after the damage.")
    boolean dropAfterDamage;

    @Override
    public Integer call() {
      Path home;
      WalConfig config;
      try {
        KitConfig kit = parent.config();
        home = kit.home();
        config = kit.wal();
      } catch (IllegalArgumentException e) {
        spec.commandLine().getErr().println("ipfs-kit wal repair: configuration error: " + e.getMessage());
        return EXIT_USAGE;
      } catch (java.io.UncheckedIOException e) {
        spec.commandLine().getErr().println("ipfs-kit wal repair: " + e.getMessage());
        return EXIT_ERROR;
      }
      Optional<ObjectNode> owner = SharedWal.pingOwner(home, config);
      if (owner.isPresent()) {
        spec.commandLine().getErr().println("ipfs-kit wal repair: process " + owner.get().path("pid").asLong()
            + " owns the WAL at " + owner.get().path("wal_dir").asString() + " (since " + owner.get().path("owner_since").asString()
            + "); stop it before repairing");
        return EXIT_ERROR;
      }
      try {
        List<RepairReport> reports = WriteAheadLog.repair(config.directory(), dropAfterDamage);
        PrintWriter out = spec.commandLine().getOut();
        if (reports.isEmpty()) out.println("nothing to repair in " + config.directory());
        if (reports.size() == 1 && reports.get(0).refused()) {
          RepairReport r = reports.get(0);
          PrintWriter err = spec.commandLine().getErr();
          err.println("ipfs-kit wal repair: damage in the middle of the log, not a torn tail: " + r.file() + " at offset "
              + r.offset() + " (" + r.reason() + ")");
          err.println("nothing was changed; `ipfs-kit wal repair --drop-after-damage` would keep .broken copies, cut"
              + " the log there and drop " + records(r.droppedRecords()) + " written after the damage");
          return EXIT_ERROR;
        }
        long dropped = 0;
        for (RepairReport r : reports) {
          dropped += r.droppedRecords();
          String kept = "the original is kept as " + r.brokenCopy().getFileName();
          out.println(switch (r.action()) {
            case TRUNCATED_TORN_TAIL, TRUNCATED_AT_DAMAGE -> "cut " + r.bytesCut() + " bytes from " + r.file()
                + " at offset " + r.offset() + " (" + r.reason() + "); dropped " + records(r.droppedRecords()) + "; "
                + kept;
            case MOVED_ASIDE, CHECKPOINT_MOVED_ASIDE -> "moved " + r.file() + " aside (" + r.reason() + "); dropped "
                + records(r.droppedRecords()) + "; " + kept;
            case REFUSED -> throw new IllegalStateException("a refusal comes alone");
          });
        }
        if (!reports.isEmpty()) out.println("acknowledged records dropped in total: " + dropped);
        return 0;
      } catch (IOException | IllegalArgumentException e) {
        spec.commandLine().getErr().println("ipfs-kit wal repair: " + e.getMessage());
        return EXIT_ERROR;
      }
    }

    private static String records(long n) {
      return n + (n == 1 ? " acknowledged record" : " acknowledged records");
    }
  }

  /**
   * A one-shot command prints its result; the log's INFO lines (opened, owner, released) are noise
   * there. Must run before the first io.ipfskit logger exists (slf4j-simple reads levels then).
   */
  static void quietLogs(boolean verbose) {
    if (!verbose) System.setProperty("org.slf4j.simpleLogger.log.io.ipfskit", "warn");
  }

  static String outcome(JsonNode o) {
    if (o.path("result").path("cid").isString()) return o.path("result").path("cid").asString();
    if (o.path("error").isString()) return o.path("error").asString();
    return "";
  }

  static String outcomeSuffix(JsonNode o) {
    String s = outcome(o);
    return s.isEmpty() ? "" : " " + s;
  }
}
