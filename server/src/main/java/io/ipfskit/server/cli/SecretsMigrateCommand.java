package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.MigrationError;
import io.ipfskit.core.secrets.MigrationReport;
import io.ipfskit.server.KitHome;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;

@Command(name = "migrate", mixinStandardHelpOptions = true,
    description = {"Re-encrypt legacy v1 (XOR) and v2 (AES-GCM) secrets into the v3 envelope format.",
        "Each converted secret is decrypted again before it replaces the original; the original files are backed"
            + " up first. Progress goes to stderr, the summary to stdout."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:Every secret is current (or would be, with --dry-run).",
        "1:Some secrets could not be migrated (each is named), or the vault cannot be opened.", Main.EXIT_CODE_USAGE})
final class SecretsMigrateCommand implements Callable<Integer> {

  @Option(names = "--dry-run", description = "Report what would be migrated; change nothing.")
  boolean dryRun;

  private final CliContext context;

  SecretsMigrateCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (KitHome home = context.openHome()) {
      PrintStream err = context.stderr();
      MigrationReport report = home.vault().migrate(dryRun,
          (id, index, total, outcome) -> err.printf("[%d/%d] %s %s%n", index, total, id.value(), outcome));
      PrintStream out = context.stdout();
      out.printf("%s%d migrated, %d already current, %d error(s), %d total%n", report.dryRun() ? "dry run: " : "",
          report.migrated(), report.alreadyCurrent(), report.errors().size(), report.totalSecrets());
      if (report.backupDirectoryOrNull() != null) {
        out.println("backup of the original files: " + report.backupDirectoryOrNull());
      }
      for (MigrationError error : report.errors()) {
        out.println("error: " + (error.secretId() == null ? "store" : error.secretId().value()) + ": " + error.reason());
      }
      return report.errors().isEmpty() ? 0 : Main.EXIT_FAILURE;
    }
  }
}
