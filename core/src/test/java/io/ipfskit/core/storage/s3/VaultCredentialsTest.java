package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertThrows;

import io.ipfskit.core.secrets.SecretExpiredException;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.secrets.VaultException;
import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class VaultCredentialsTest {
  private static final SecretId REF = SecretId.parse("ref", "0123456789abcdef");
  private final AtomicReference<Instant> now = new AtomicReference<>(Instant.parse("2026-12-01T00:00:00Z"));
  private final Clock clock = new Clock() {
    @Override public ZoneOffset getZone() { return ZoneOffset.UTC; }
    @Override public Clock withZone(java.time.ZoneId zone) { return this; }
    @Override public Instant instant() { return now.get(); }
  };

  @Test
  void current_withinCacheTime_readsTheVaultOnce_thenAgainAfterItOrForget() throws Exception {
    AtomicInteger reads = new AtomicInteger();
    VaultCredentials c = new VaultCredentials("AKIAEXAMPLE", REF, id -> SecretValue.of("secret-" + reads.incrementAndGet()), clock);
    assertEquals("secret-1", c.current().secretAccessKey());
    now.set(now.get().plus(VaultCredentials.CACHE_FOR).minusSeconds(1));
    assertEquals("secret-1", c.current().secretAccessKey());
    now.set(now.get().plusSeconds(1));
    assertEquals("secret-2", c.current().secretAccessKey(), "a rotated key is read after the cache time");
    c.forget();
    assertEquals("secret-3", c.current().secretAccessKey());
    assertEquals("AKIAEXAMPLE", c.current().accessKeyId());
  }

  @Test
  void current_vaultLocked_isUnavailable() {
    VaultCredentials c = new VaultCredentials("AKIAEXAMPLE", REF, id -> {
      throw new VaultException("the vault cannot be opened: wrong password");
    }, clock);
    StorageException e = assertThrows(StorageException.class, c::current);
    assertInstanceOf(BackendUnavailableException.class, e);
    assertEquals("s3 credentials: the vault holding IPFS_KIT_S3_SECRET_KEY_REF (0123456789abcdef) cannot be read now:"
        + " the vault cannot be opened: wrong password", e.getMessage());
  }

  @Test
  void current_secretExpired_isPermanentNamingTheKey() {
    VaultCredentials c = new VaultCredentials("AKIAEXAMPLE", REF, id -> {
      throw new SecretExpiredException(id, Instant.EPOCH);
    }, clock);
    StorageException e = assertThrows(StorageException.class, c::current);
    assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
    assertEquals("s3 credentials: IPFS_KIT_S3_SECRET_KEY_REF names vault secret 0123456789abcdef, which has expired;"
        + " store the secret access key with 'ipfs-kit secrets store' and set the ref to its id", e.getMessage());
  }

  @Test
  void toString_afterUse_holdsNoSecret() throws Exception {
    VaultCredentials c = new VaultCredentials("AKIAEXAMPLE", REF, id -> SecretValue.of("very-secret-value-123"), clock);
    c.current();
    assertFalse(c.toString().contains("very-secret"), c.toString());
    assertFalse(c.current().toString().contains("very-secret"), "the SDK's credentials redact it too");
  }
}
