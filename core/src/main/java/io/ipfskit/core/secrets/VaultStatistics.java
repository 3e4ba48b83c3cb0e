package io.ipfskit.core.secrets;

import java.util.Map;

/** Store-wide counts; {@code encryptionVersions} always holds the keys v1, v2 and v3. */
public record VaultStatistics(
    int totalSecrets,
    int expiredSecrets,
    int secretsNeedingRotation,
    Map<String, Integer> services,
    long totalAccesses,
    Map<String, Integer> encryptionVersions,
    Map<String, Integer> secretTypes) {
  public VaultStatistics {
    services = Map.copyOf(services);
    encryptionVersions = Map.copyOf(encryptionVersions);
    secretTypes = Map.copyOf(secretTypes);
  }
}
