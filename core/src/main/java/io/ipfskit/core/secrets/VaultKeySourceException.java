package io.ipfskit.core.secrets;

/**
 * What should unlock the vault cannot be used: e.g. {@code IPFS_KIT_MASTER_PASSWORD_FILE} names a
 * file that is missing, unreadable or empty. The message names the setting, where it was set, the
 * file and the rule, never the password.
 */
public final class VaultKeySourceException extends VaultException {
  public VaultKeySourceException(String message) {
    super(message);
  }
}
