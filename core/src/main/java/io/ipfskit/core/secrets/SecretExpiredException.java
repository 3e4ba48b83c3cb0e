package io.ipfskit.core.secrets;

import java.time.Instant;

/** The secret exists but its expiry time has passed, so its value is not returned. */
public final class SecretExpiredException extends VaultException {
  private final SecretId secretId;
  private final Instant expiredAt;

  public SecretExpiredException(SecretId secretId, Instant expiredAt) {
    super("secret " + secretId.value() + " expired at " + expiredAt
        + "; its value is no longer returned. Store a new secret for this service");
    this.secretId = secretId;
    this.expiredAt = expiredAt;
  }

  public SecretId secretId() {
    return secretId;
  }

  public Instant expiredAt() {
    return expiredAt;
  }
}
