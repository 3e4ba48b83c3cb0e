package io.ipfskit.core.storage.s3;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.secrets.SecretExpiredException;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.secrets.SecretNotFoundException;
import io.ipfskit.core.secrets.VaultException;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import software.amazon.awssdk.auth.credentials.AwsBasicCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentials;
import software.amazon.awssdk.auth.credentials.AwsCredentialsProvider;

/**
 * The S3 credentials of {@code IPFS_KIT_S3_ACCESS_KEY_ID} + {@code IPFS_KIT_S3_SECRET_KEY_REF}: the
 * secret access key is read from the vault at use, then kept in memory for {@link #CACHE_FOR} so a
 * busy backend does not add an audited vault read to every request; a rotated key is picked up
 * within that time, and at once after {@link #forget()} (called when S3 rejects the key).
 *
 * <p>{@link #current()} is the one place a vault failure is classified: a missing or expired
 * secret is a {@link StorageErrorClass#PERMANENT} configuration error naming the setting and the
 * secret id (never a value); any other vault failure (locked, still unlocking, unreadable) is
 * {@link BackendUnavailableException}, so queued operations wait for the vault rather than fail.
 *
 * <p>Thread-safe: the cached pair is one immutable object in a volatile field; two threads may
 * both read the vault once when it expires, which is harmless. {@link #toString()} shows the key id
 * and the ref only.
 */
final class VaultCredentials implements AwsCredentialsProvider {
  static final Duration CACHE_FOR = Duration.ofMinutes(5);

  private record Cached(AwsCredentials credentials, Instant until) {}

  private final String accessKeyId;
  private final SecretId secretKeyRef;
  private final SecretLookup secrets;
  private final Clock clock;
  private volatile Cached cached;

  VaultCredentials(String accessKeyId, SecretId secretKeyRef, SecretLookup secrets, Clock clock) {
    this.accessKeyId = requireNonNull(accessKeyId, "accessKeyId");
    this.secretKeyRef = requireNonNull(secretKeyRef, "secretKeyRef");
    this.secrets = requireNonNull(secrets, "secrets");
    this.clock = requireNonNull(clock, "clock");
  }

  /**
   * The credentials, from the cache or the vault.
   *
   * @throws StorageException PERMANENT when the secret is missing or expired; {@link
   *     BackendUnavailableException} when the vault cannot be read now
   */
  AwsCredentials current() throws StorageException {
    Instant now = clock.instant();
    Cached c = cached;
    if (c != null && now.isBefore(c.until())) return c.credentials();
    String secretKey;
    try {
      secretKey = secrets.lookup(secretKeyRef).reveal();
    } catch (SecretNotFoundException | SecretExpiredException e) {
      throw new StorageException("s3 credentials: IPFS_KIT_S3_SECRET_KEY_REF names vault secret " + secretKeyRef
          + ", which " + (e instanceof SecretNotFoundException ? "does not exist" : "has expired")
          + "; store the secret access key with 'ipfs-kit secrets store' and set the ref to its id",
          StorageErrorClass.PERMANENT);
    } catch (VaultException | IllegalStateException e) {
      // Vault messages never hold a secret value (the vault's own rule), so the cause may be shown.
      throw new BackendUnavailableException("s3 credentials: the vault holding IPFS_KIT_S3_SECRET_KEY_REF ("
          + secretKeyRef + ") cannot be read now: " + e.getMessage(), null);
    }
    AwsCredentials fresh = AwsBasicCredentials.create(accessKeyId, secretKey);
    cached = new Cached(fresh, now.plus(CACHE_FOR));
    return fresh;
  }

  /** Drops the cached key, so the next use reads the vault again (e.g. after S3 refused the key). */
  void forget() {
    cached = null;
  }

  /** For the SDK's signer; {@link S3Backend} calls {@link #current()} first, so this rarely reads the vault. */
  @Override
  public AwsCredentials resolveCredentials() {
    try {
      return current();
    } catch (StorageException e) {
      throw new CredentialsUnavailableException(e);
    }
  }

  @Override
  public String toString() {
    return "VaultCredentials[accessKeyId=" + accessKeyId + ", secretKeyRef=" + secretKeyRef + "]";
  }

  /** Carries {@link #current()}'s classified failure through the SDK, which only lets unchecked exceptions by. */
  static final class CredentialsUnavailableException extends RuntimeException {
    private static final long serialVersionUID = 1L;

    CredentialsUnavailableException(StorageException cause) {
      super(cause.getMessage(), cause);
    }

    StorageException storageException() {
      return (StorageException) getCause();
    }
  }
}
