package io.ipfskit.core.secrets;

/** Why one secret could not be migrated; {@code reason} never contains a value. */
public record MigrationError(SecretId secretId, String reason) {}
