package io.ipfskit.core.secrets;

import java.nio.file.Path;
import java.util.List;

/**
 * Outcome of {@link Vault#migrate}. In a dry run {@code migrated} counts the secrets that would be
 * migrated (each one was test-decrypted) and {@code backupDirectoryOrNull} is null.
 */
public record MigrationReport(
    int migrated,
    int alreadyCurrent,
    List<MigrationError> errors,
    int totalSecrets,
    boolean dryRun,
    Path backupDirectoryOrNull) {
  public MigrationReport {
    errors = List.copyOf(errors);
  }
}
