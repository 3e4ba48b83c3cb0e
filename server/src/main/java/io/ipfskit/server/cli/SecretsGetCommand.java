package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.server.KitHome;
import java.io.PrintStream;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Option;
import picocli.CommandLine.Parameters;

/** {@code ipfs-kit secrets get ID}: the value on stdout, for a person or a script; audited like secrets_retrieve. */
@Command(name = "get", mixinStandardHelpOptions = true,
    description = {"Print a secret's current value on stdout, followed by a newline.",
        "The retrieval is audited like the secrets_retrieve tool's; nothing else is printed on stdout."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:The value is on stdout.",
        "1:No secret with that ID, it has expired, it cannot be decrypted, or the vault cannot be opened.",
        "2:Usage or configuration error, e.g. ID is not 16 hexadecimal characters."})
final class SecretsGetCommand implements Callable<Integer> {

  @Parameters(paramLabel = "ID", description = "The secret_id (16 hexadecimal characters), as 'ipfs-kit secrets list' shows it.")
  String id;

  @Option(names = {"-n", "--no-newline"}, description = "Print the value without the newline after it.")
  boolean noNewline;

  private final CliContext context;

  SecretsGetCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    SecretId secretId = SecretId.parse("ID", id);
    try (KitHome home = context.openHome()) {
      SecretValue value = home.vault().retrieve(secretId);
      PrintStream out = context.stdout();
      out.print(value.reveal());
      if (!noNewline) {
        out.println();
      }
      out.flush();
      return Main.EXIT_OK;
    }
  }
}
