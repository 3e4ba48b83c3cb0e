package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.time.Instant;
import java.util.Optional;

/**
 * A backend's last health probe and when it ran, as {@link BackendRegistry#health(String)} caches
 * it. Before the first probe the status is {@link BackendHealth.Status#UNKNOWN} and there is no
 * check time.
 *
 * @param health what the probe found
 * @param checkedAt when the probe ran; null only before the first probe
 */
public record CheckedHealth(BackendHealth health, Instant checkedAt) {
  private static final CheckedHealth NOT_YET_PROBED =
      new CheckedHealth(new BackendHealth(BackendHealth.Status.UNKNOWN, "not probed yet"), null);

  public CheckedHealth {
    requireNonNull(health, "health");
    if (checkedAt == null && health.status() != BackendHealth.Status.UNKNOWN)
      throw new IllegalArgumentException("checkedAt may be null only for status UNKNOWN, but status was "
          + health.status());
  }

  /** The value before a backend's first probe: UNKNOWN, never checked. */
  public static CheckedHealth notYetProbed() {
    return NOT_YET_PROBED;
  }

  public BackendHealth.Status status() {
    return health.status();
  }

  /** When the probe ran; empty before the first probe. */
  public Optional<Instant> lastChecked() {
    return Optional.ofNullable(checkedAt);
  }
}
