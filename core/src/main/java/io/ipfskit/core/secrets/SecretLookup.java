package io.ipfskit.core.secrets;

/**
 * Reads one secret's current value by id, for a component that holds a reference to a secret (e.g.
 * {@code IPFS_KIT_S3_SECRET_KEY_REF}) rather than the secret itself. Core code takes this instead
 * of a {@link Vault}, so whoever opens the vault (the server, which may still be unlocking it in
 * the background) decides how; a test passes a lambda.
 *
 * <p>Implementations are called at use, on any thread, and must be thread-safe.
 */
@FunctionalInterface
public interface SecretLookup {

  /**
   * The secret's current value.
   *
   * @throws SecretNotFoundException no secret has this id (a configuration error: it stays so)
   * @throws SecretExpiredException the secret has expired (likewise)
   * @throws VaultException the vault cannot be read now (locked, still unlocking, unreadable)
   */
  SecretValue lookup(SecretId id);

  /** For processes without a vault: every lookup says the vault is not available. */
  SecretLookup NONE = id -> {
    throw new VaultException("no vault is open in this process");
  };
}
