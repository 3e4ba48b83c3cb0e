package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

/** The result of one health probe of a backend. */
public record BackendHealth(Status status, String detail) {
  public enum Status { HEALTHY, DEGRADED, UNHEALTHY, UNKNOWN }

  public BackendHealth {
    requireNonNull(status, "status");
    requireNonNull(detail, "detail");
  }

  public static BackendHealth healthy(String detail) {
    return new BackendHealth(Status.HEALTHY, detail);
  }

  public static BackendHealth unhealthy(String detail) {
    return new BackendHealth(Status.UNHEALTHY, detail);
  }
}
