package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.SecretMetadata;
import io.ipfskit.core.secrets.SecretType;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.server.KitHome;
import java.io.ByteArrayOutputStream;
import java.io.Console;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.Callable;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.ParameterException;
import picocli.CommandLine.Spec;

/**
 * {@code ipfs-kit secrets store --service NAME}: a secret enters the vault from a person, never
 * through a model and never through argv (which other users can read in the process list). Same
 * vault call, rules and audit entry as the {@code secrets_store} tool.
 */
@Command(name = "store", mixinStandardHelpOptions = true,
    description = {"Store a new secret and print its secret_id on stdout.",
        "The value is read from a prompt without echo (asked twice) when run on a terminal, else from stdin"
            + " (all of it, one trailing newline removed); it is never taken from the command line.",
        "It is checked against the rules of its --type, like the secrets_store tool does."},
    exitCodeListHeading = Main.EXIT_CODES_HEADING,
    exitCodeList = {"0:Stored; the new secret_id is on stdout.",
        "1:The vault cannot be opened (e.g. wrong master password) or writing failed.",
        "2:Usage or configuration error, or the value, --service or a duration breaks a rule; nothing was stored."})
final class SecretsStoreCommand implements Callable<Integer> {
  /** Read at most this much from stdin; the vault's own limit (64 KiB) is far below. */
  static final int MAX_STDIN_BYTES = 1024 * 1024;

  @Option(names = "--service", required = true, paramLabel = "NAME",
      description = "What the secret is for, e.g. github or openai (1 to 256 characters).")
  String service;

  @Option(names = "--type", defaultValue = "api_key", paramLabel = "TYPE",
      description = "api_key, password, token, certificate, private_key or connection_string (default: ${DEFAULT-VALUE}).")
  String type;

  @Option(names = "--expires-in", paramLabel = "DURATION",
      description = "Expire after this long: seconds (3600) or 30s, 5m, 24h, 90d (default: never).")
  String expiresIn;

  @Option(names = "--rotation-interval", paramLabel = "DURATION",
      description = "Rotation is due after this long, same forms as --expires-in (default: 30 days).")
  String rotationInterval;

  @Spec CommandSpec spec;

  private final CliContext context;

  SecretsStoreCommand(CliContext context) {
    this.context = context;
  }

  @Override
  public Integer call() {
    // Every check that needs no vault runs before the value is read and the vault opened.
    SecretType secretType = SecretType.parse("secret_type", type);
    Duration expires = duration("--expires-in", expiresIn);
    Duration rotation = duration("--rotation-interval", rotationInterval);
    SecretValue value = readValue();
    try (KitHome home = context.openHome()) {
      SecretMetadata stored = home.vault().store(service, value, secretType, expires, rotation);
      context.stdout().println(stored.secretId().value());
      return Main.EXIT_OK;
    }
  }

  private Duration duration(String option, String text) {
    if (text == null) {
      return null;
    }
    try {
      return DurationArg.parse(option, text);
    } catch (IllegalArgumentException e) {
      throw new ParameterException(spec.commandLine(), e.getMessage());
    }
  }

  private SecretValue readValue() {
    Console console = Terminal.interactiveConsole(context);
    if (console != null) {
      char[] first = console.readPassword("Secret value for service '%s' (not shown): ", service);
      char[] second = first == null ? null : console.readPassword("Repeat the secret value: ");
      try {
        if (first == null || second == null) {
          throw new ParameterException(spec.commandLine(), "no secret value entered; nothing was stored");
        }
        if (!Arrays.equals(first, second)) {
          throw new ParameterException(spec.commandLine(), "the two entries differ; nothing was stored");
        }
        return SecretValue.of(new String(first));
      } finally {
        if (first != null) Arrays.fill(first, '\0');
        if (second != null) Arrays.fill(second, '\0');
      }
    }
    byte[] bytes = readStdin(context.stdin());
    try {
      int end = bytes.length;
      if (end > 0 && bytes[end - 1] == '\n') end--;
      if (end > 0 && bytes[end - 1] == '\r') end--;
      String text = StandardCharsets.UTF_8.newDecoder()
          .onMalformedInput(CodingErrorAction.REPORT).onUnmappableCharacter(CodingErrorAction.REPORT)
          .decode(ByteBuffer.wrap(bytes, 0, end)).toString();
      return SecretValue.of(text);
    } catch (CharacterCodingException e) {
      throw new ParameterException(spec.commandLine(), "the secret value on stdin must be UTF-8 text; nothing was stored");
    } finally {
      Arrays.fill(bytes, (byte) 0);
    }
  }

  private byte[] readStdin(InputStream in) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    byte[] buffer = new byte[8192];
    try {
      for (int n; (n = in.read(buffer)) != -1; ) {
        if (out.size() + n > MAX_STDIN_BYTES) {
          throw new ParameterException(spec.commandLine(),
              "the secret value on stdin must be at most " + MAX_STDIN_BYTES + " bytes; nothing was stored");
        }
        out.write(buffer, 0, n);
      }
      return out.toByteArray();
    } catch (IOException e) {
      throw new UncheckedIOException("cannot read the secret value from stdin: " + e.getMessage(), e);
    } finally {
      Arrays.fill(buffer, (byte) 0);
    }
  }
}
