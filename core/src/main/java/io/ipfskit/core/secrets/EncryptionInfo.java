package io.ipfskit.core.secrets;

/** How one secret is encrypted on disk. */
public record EncryptionInfo(
    SecretId secretId, String encryptionMethod, int encryptionVersion, boolean needsMigration, String kdf) {}
