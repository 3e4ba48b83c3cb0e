package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.SecretValidationException;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns messages written for MCP clients into messages for a person at the command line. The
 * vault and the write-ahead log word their errors for the tools ("list known ids with
 * wal_list_operations", "expires_in must be ..."); at the CLI the same advice must name the
 * command and the option the user can type.
 */
final class CliWording {
  /** MCP tool name → the command that does the same, as the user types it. */
  private static final Map<String, String> COMMANDS = Map.ofEntries(
      Map.entry("wal_list_operations", "'ipfs-kit wal list'"),
      Map.entry("wal_get_operation", "'ipfs-kit wal show ID'"),
      Map.entry("wal_wait_for_operation", "'ipfs-kit wal wait ID'"),
      Map.entry("wal_retry_operation", "'ipfs-kit wal retry ID'"),
      Map.entry("wal_cancel_operation", "'ipfs-kit wal cancel ID'"),
      Map.entry("wal_cleanup", "'ipfs-kit wal cleanup'"),
      Map.entry("wal_status", "'ipfs-kit wal status'"),
      Map.entry("wal_health", "'ipfs-kit wal health'"),
      Map.entry("secrets_list", "'ipfs-kit secrets list'"),
      Map.entry("secrets_migrate", "'ipfs-kit secrets migrate'"),
      Map.entry("secrets_audit", "'ipfs-kit secrets audit'"),
      Map.entry("secrets_store", "'ipfs-kit secrets store'"),
      Map.entry("secrets_retrieve", "'ipfs-kit secrets get ID'"));

  /** Tool input field → what names it on the command line. */
  private static final Map<String, String> FIELDS = Map.ofEntries(
      Map.entry("secret_value", "the secret value"),
      Map.entry("secret_id", "ID"),
      Map.entry("secret_type", "--type"),
      Map.entry("service", "--service"),
      Map.entry("expires_in", "--expires-in"),
      Map.entry("rotation_interval", "--rotation-interval"),
      Map.entry("operation_id", "ID"),
      Map.entry("age_days", "--age-days"));

  /** Advice the vault words for a tool caller → the same advice for a person at the shell. */
  private static final Map<String, String> PHRASES = Map.of(
      "call list to see the stored ids", "run 'ipfs-kit secrets list' to see the stored ids",
      "no secret with secret_id ", "no secret with ID ");

  private static final Pattern TOOL_NAME = Pattern.compile("\\b(?:wal|secrets)_[a-z_]+\\b");

  private CliWording() {}

  /** {@code message} with every MCP tool name replaced by its CLI command. */
  static String forCli(String message) {
    if (message == null) {
      return "";
    }
    for (Map.Entry<String, String> p : PHRASES.entrySet()) {
      message = message.replace(p.getKey(), p.getValue());
    }
    Matcher m = TOOL_NAME.matcher(message);
    StringBuilder out = new StringBuilder();
    while (m.find()) {
      String command = COMMANDS.get(m.group());
      m.appendReplacement(out, Matcher.quoteReplacement(command == null ? m.group() : command));
    }
    m.appendTail(out);
    return out.toString();
  }

  /**
   * A validation failure worded for the CLI: the field becomes the option (or "the secret value"),
   * the rule and the description of the input stay as the vault wrote them (never the value).
   */
  static String forCli(SecretValidationException e) {
    String message = e.getMessage();
    String field = e.field();
    for (Map.Entry<String, String> f : FIELDS.entrySet()) {
      // "secret_value of type api_key must be ..." keeps its " of type api_key".
      if (field.equals(f.getKey()) || field.startsWith(f.getKey() + " ")) {
        if (message.startsWith(f.getKey())) {
          return forCli(f.getValue() + message.substring(f.getKey().length()));
        }
      }
    }
    return forCli(message);
  }
}
