package io.ipfskit.server.wal;

import java.time.Duration;
import java.util.Locale;

/**
 * The calls a process can make on a home's WAL, locally or forwarded to the owner. Argument names
 * are the MCP tool input names, so a tool hands its arguments over unchanged.
 */
public enum WalMethod {
  ADD(false, Duration.ofSeconds(30)),
  STATUS(true, Duration.ofSeconds(30)),
  LIST(true, Duration.ofSeconds(60)),
  GET(true, Duration.ofSeconds(30)),
  /** Blocks up to its {@code timeout} argument; the forwarding deadline adds that on top. */
  WAIT(true, Duration.ofSeconds(30)),
  RETRY(false, Duration.ofSeconds(30)),
  CANCEL(false, Duration.ofSeconds(30)),
  CLEANUP(false, Duration.ofSeconds(120)),
  METRICS(true, Duration.ofSeconds(30)),
  /** Read-only without a {@code set} argument; {@link #isReadOnly} is conservative. */
  CONFIG(false, Duration.ofSeconds(30)),
  HEALTH(true, Duration.ofSeconds(30)),
  /** The owner's circuit breakers (all, or one by {@code breaker}). */
  BREAKERS(true, Duration.ofSeconds(30)),
  /** Forces a breaker of the owner open or closed, or resets it. */
  BREAKER_CONTROL(false, Duration.ofSeconds(30)),
  /** The owner's backend health reports (every configured backend, with history). */
  BACKEND_HEALTH(true, Duration.ofSeconds(30)),
  /**
   * The figures of the owner's performance report (breakers, retries, pools, caches, health, WAL
   * append p99, leases and leaks older than {@code leak_threshold_seconds}).
   */
  PERFORMANCE(true, Duration.ofSeconds(30)),
  /** Who owns the log: {@code pid}, {@code wal_dir}, {@code owner_since}. */
  PING(true, Duration.ofSeconds(5));

  private final boolean readOnly;
  private final Duration forwardTimeout;

  WalMethod(boolean readOnly, Duration forwardTimeout) {
    this.readOnly = readOnly;
    this.forwardTimeout = forwardTimeout;
  }

  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** True when repeating the call cannot change the log, so a lost reply may be retried safely. */
  public boolean isReadOnly() {
    return readOnly;
  }

  /** How long a forwarded call waits for the owner's answer ({@code wait} adds its own timeout). */
  Duration forwardTimeout() {
    return forwardTimeout;
  }

  static WalMethod parse(String value) {
    for (WalMethod m : values()) {
      if (m.wireName().equals(value)) return m;
    }
    throw new WalCallException(WalCallException.Kind.INTERNAL,
        "method must be a known WAL method (owner and caller run different versions?)");
  }
}
