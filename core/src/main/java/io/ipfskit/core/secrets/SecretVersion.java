package io.ipfskit.core.secrets;

import java.time.Instant;

/** One kept version of a secret (no value). */
public record SecretVersion(int version, Instant createdAt, int encryptionVersion, boolean current) {}
