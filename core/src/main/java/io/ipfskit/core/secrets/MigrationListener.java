package io.ipfskit.core.secrets;

/** Progress callback of {@link Vault#migrate}; called once per secret, in order. */
@FunctionalInterface
public interface MigrationListener {
  MigrationListener NONE = (id, index, total, outcome) -> {};

  /**
   * @param index 1-based position of this secret
   * @param outcome {@code migrated}, {@code would_migrate} (dry run), {@code already_current} or
   *     {@code error: <reason>}
   */
  void onSecret(SecretId id, int index, int total, String outcome);
}
