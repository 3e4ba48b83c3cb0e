package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.AuditEntry;
import io.ipfskit.core.secrets.AuditVerification;
import io.ipfskit.server.KitHome;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "audit", mixinStandardHelpOptions = true,
    description = {"Show recent audit log entries, or with --verify check the log's hash chain.",
        "With --verify the exit status is 0 when the chain is intact and 1 when an entry was edited, removed or"
            + " reordered (the message names the line)."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:The entries were shown, or with --verify the chain is intact.",
        "1:The vault cannot be opened, or with --verify an entry was edited, removed or reordered.",
        Main.EXIT_CODE_USAGE})
final class SecretsAuditCommand implements Callable<Integer> {

  @Option(names = "--verify", description = "Verify the hash chain instead of listing entries.")
  boolean verify;

  @Option(names = "--limit", defaultValue = "50", description = "Entries to show, at least 1 (default: ${DEFAULT-VALUE}).")
  int limit;

  @Spec CommandSpec spec;

  private final CliContext context;

  SecretsAuditCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    if (limit < 1) {
      throw new ParameterException(spec.commandLine(), "--limit must be >= 1, but was " + limit);
    }
    try (KitHome home = context.openHome()) {
      PrintStream out = context.stdout();
      if (verify) {
        AuditVerification result = home.vault().verifyAudit();
        if (result.valid()) {
          out.printf("audit log intact: %d chained entries, %d legacy (unchained) entries%n", result.entries(),
              result.legacyEntries());
          return 0;
        }
        context.stderr().println("audit log INVALID: " + result.problemOrNull());
        return Main.EXIT_FAILURE;
      }
      for (AuditEntry e : home.vault().audit(null, limit)) {
        out.printf("%s  %-15s  %-16s  %-20s  %s%s%n", e.timestamp(), e.action(),
            e.secretIdOrNull() == null ? "-" : e.secretIdOrNull(), e.service() == null ? "-" : e.service(),
            e.success() ? "ok" : "FAILED", e.reasonOrNull() == null ? "" : " (" + e.reasonOrNull() + ")");
      }
      return 0;
    }
  }
}
