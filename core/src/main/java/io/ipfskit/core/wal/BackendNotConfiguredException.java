package io.ipfskit.core.wal;

import java.util.Collection;
import java.util.List;

/** An operation names a backend this process does not run. */
public class BackendNotConfiguredException extends WalException {
  private static final long serialVersionUID = 1L;
  private final String backend;
  private final List<String> configured;

  public BackendNotConfiguredException(String backend, Collection<String> configured) {
    super(Kind.BACKEND_NOT_CONFIGURED, "backend '" + backend + "' is not configured; configured: "
        + List.copyOf(configured), null);
    this.backend = backend;
    this.configured = List.copyOf(configured);
  }

  public String backend() {
    return backend;
  }

  public List<String> configured() {
    return configured;
  }
}
