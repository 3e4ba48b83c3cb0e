package io.ipfskit.server.cli;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Spec;

@Command(name = "secrets", mixinStandardHelpOptions = true,
    description = "Manage the secrets vault in $IPFS_KIT_HOME/secrets.",
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {Main.EXIT_CODE_OK, Main.EXIT_CODE_FAILURE, Main.EXIT_CODE_USAGE},
    subcommands = {SecretsListCommand.class, SecretsStoreCommand.class, SecretsGetCommand.class,
        SecretsMigrateCommand.class, SecretsChangePasswordCommand.class, SecretsAuditCommand.class})
final class SecretsCommand implements Runnable {

  @Spec CommandSpec spec;

  @Override
  public void run() {
    throw new CommandLine.ParameterException(spec.commandLine(),
        "Missing subcommand: list, store, get, migrate, change-password or audit");
  }
}
