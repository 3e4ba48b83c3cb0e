package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.SecretMetadata;
import io.ipfskit.server.KitHome;
import java.io.PrintStream;
import java.util.List;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;

@Command(name = "list", mixinStandardHelpOptions = true,
    description = "List the stored secrets' metadata, never their values.",
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {Main.EXIT_CODE_OK, "1:The vault cannot be opened (e.g. wrong master password).", Main.EXIT_CODE_USAGE})
final class SecretsListCommand implements Callable<Integer> {

  private final CliContext context;

  SecretsListCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    try (KitHome home = context.openHome()) {
      List<SecretMetadata> secrets = home.vault().list();
      PrintStream out = context.stdout();
      out.printf("%-16s  %-24s  %-17s  %7s  %-3s  %-20s  %s%n", "SECRET_ID", "SERVICE", "TYPE", "VERSION",
          "ENC", "EXPIRES_AT", "STATE");
      for (SecretMetadata m : secrets) {
        String state = m.expired() ? "expired" : m.rotationDue() ? "rotation due" : "ok";
        out.printf("%-16s  %-24s  %-17s  %7d  v%-2d  %-20s  %s%n", m.secretId().value(), m.service(),
            m.secretType().wireName(), m.version(), m.encryptionVersion(),
            m.expiresAt() == null ? "-" : m.expiresAt().toString(), state);
      }
      out.println(secrets.size() + " secret(s)");
      return 0;
    }
  }
}
