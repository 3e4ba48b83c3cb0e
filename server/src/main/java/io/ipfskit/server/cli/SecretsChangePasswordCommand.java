package io.ipfskit.server.cli;

import io.ipfskit.server.KitHome;
import java.io.BufferedReader;
import java.io.Console;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

@Command(name = "change-password", mixinStandardHelpOptions = true,
    description = {"Change the vault's master password; it re-wraps the data key and re-encrypts no secret.",
        "The vault is opened with the current settings (IPFS_KIT_MASTER_PASSWORD or _FILE, or the key file).",
        "The new password comes from --new-password-file (first line), else an interactive prompt without echo"
            + " (asked twice), else the first line of stdin. Never from the command line.",
        "Afterwards update IPFS_KIT_MASTER_PASSWORD / _FILE, or the next start cannot unlock the vault."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:The password was changed.",
        "1:The vault cannot be opened with the current settings (e.g. wrong password), or writing failed.",
        "2:Usage or configuration error, or the new password is empty or the two entries differ; nothing changed."})
final class SecretsChangePasswordCommand implements Callable<Integer> {

  @Option(names = "--new-password-file", paramLabel = "FILE",
      description = "Read the new password from the first line of FILE.")
  Path newPasswordFile;

  @Spec CommandSpec spec;

  private final CliContext context;

  SecretsChangePasswordCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    char[] password = readNewPassword();
    try (KitHome home = context.openHome()) {
      if (password.length == 0) {
        throw new ParameterException(spec.commandLine(), "the new password must not be empty");
      }
      home.vault().changePassword(password);
      context.stdout().println("master password changed; update IPFS_KIT_MASTER_PASSWORD or"
          + " IPFS_KIT_MASTER_PASSWORD_FILE before the next start");
      return 0;
    } finally {
      Arrays.fill(password, '\0');
    }
  }

  private char[] readNewPassword() {
    if (newPasswordFile != null) {
      try (BufferedReader reader = Files.newBufferedReader(newPasswordFile, StandardCharsets.UTF_8)) {
        return firstLine(reader, "--new-password-file " + newPasswordFile);
      } catch (IOException e) {
        throw new UncheckedIOException("cannot read --new-password-file " + newPasswordFile + ": " + e.getMessage(), e);
      }
    }
    Console console = Terminal.interactiveConsole(context);
    if (console != null) {
      char[] first = console.readPassword("New master password: ");
      char[] second = console.readPassword("Repeat the new master password: ");
      if (first == null || second == null) {
        throw new ParameterException(spec.commandLine(), "no password entered");
      }
      try {
        if (!Arrays.equals(first, second)) {
          Arrays.fill(first, '\0');
          throw new ParameterException(spec.commandLine(), "the two passwords differ; nothing was changed");
        }
        return first;
      } finally {
        Arrays.fill(second, '\0');
      }
    }
    try {
      BufferedReader reader = new BufferedReader(new InputStreamReader(context.stdin(), StandardCharsets.UTF_8));
      return firstLine(reader, "stdin");
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the new password from stdin: " + e.getMessage(), e);
    }
  }

  private char[] firstLine(BufferedReader reader, String source) throws IOException {
    StringBuilder line = new StringBuilder();
    int c;
    while ((c = reader.read()) != -1 && c != '\n') {
      line.append((char) c);
    }
    if (line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
      line.setLength(line.length() - 1);
    }
    if (line.length() == 0) {
      throw new ParameterException(spec.commandLine(), "the new password from " + source + " is empty");
    }
    char[] password = new char[line.length()];
    line.getChars(0, line.length(), password, 0);
    line.setLength(0);
    return password;
  }
}
