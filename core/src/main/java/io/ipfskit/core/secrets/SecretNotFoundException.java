package io.ipfskit.core.secrets;

/** No secret with the given id exists in the store. */
public final class SecretNotFoundException extends VaultException {
  private final SecretId secretId;

  public SecretNotFoundException(SecretId secretId) {
    super("no secret with secret_id " + secretId.value() + " exists; call list to see the stored ids");
    this.secretId = secretId;
  }

  public SecretId secretId() {
    return secretId;
  }
}
