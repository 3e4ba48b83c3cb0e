package io.ipfskit.core.secrets;

import java.time.Duration;
import java.time.Instant;

/** Everything about a secret except its value. */
public record SecretMetadata(
    SecretId secretId,
    String service,
    SecretType secretType,
    Instant createdAt,
    Instant lastRotated,
    Instant lastAccessed,
    long accessCount,
    Instant expiresAt,
    Duration rotationInterval,
    int version,
    int encryptionVersion,
    boolean expired,
    boolean rotationDue) {}
