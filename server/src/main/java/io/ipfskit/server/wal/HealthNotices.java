package io.ipfskit.server.wal;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.CheckedHealth;
import io.ipfskit.core.storage.HealthChangeListener;
import io.ipfskit.server.log.ClientLog;
import java.util.Locale;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Tells the operator (SLF4J) and the MCP client ({@link ClientLog}, logger {@value ClientLog#STORAGE})
 * when a backend's cached health changes: a warning when it becomes unhealthy or degraded, info when it
 * is healthy again. The message names the backend, the new and the previous status, and the probe's
 * detail (what the backend's probe reported: names, paths and failure types, never credentials),
 * cut to {@value #MAX_DETAIL_CHARS} characters.
 */
final class HealthNotices implements HealthChangeListener {
  static final int MAX_DETAIL_CHARS = 300;
  private static final Logger log = LoggerFactory.getLogger(HealthNotices.class);

  @Override
  public void healthChanged(String backend, CheckedHealth previous, CheckedHealth current) {
    BackendHealth.Status now = current.health().status();
    String was = name(previous.health().status());
    String detail = cut(current.health().detail());
    if (now == BackendHealth.Status.HEALTHY) {
      String message = "backend " + backend + " recovered: healthy again (was " + was + "): " + detail;
      log.info(message);
      ClientLog.send(ClientLog.Level.INFO, ClientLog.STORAGE, message);
    } else {
      String message = "backend " + backend + " is " + name(now) + " (was " + was + "): " + detail;
      log.warn(message);
      ClientLog.warning(ClientLog.STORAGE, message);
    }
  }

  /**
   * A circuit breaker's transition: a warning when it opens (calls to that backend are refused), info
   * otherwise; the message names the breaker, both states and the cause (rates and thresholds, or the
   * operator's reason for a forced change).
   */
  static void breakerChanged(String breaker, io.ipfskit.core.resilience.BreakerTransition t) {
    String to = t.to().name().toLowerCase(Locale.ROOT);
    String message = "circuit breaker " + breaker + " is " + to + " (was " + t.from().name().toLowerCase(Locale.ROOT)
        + "): " + cut(t.cause());
    if (t.to() == io.ipfskit.core.resilience.BreakerState.OPEN || t.to() == io.ipfskit.core.resilience.BreakerState.FORCED_OPEN) {
      log.warn(message);
      ClientLog.warning(ClientLog.STORAGE, message);
    } else {
      log.info(message);
      ClientLog.send(ClientLog.Level.INFO, ClientLog.STORAGE, message);
    }
  }

  private static String name(BackendHealth.Status status) {
    return status.name().toLowerCase(Locale.ROOT);
  }

  private static String cut(String detail) {
    return detail.length() <= MAX_DETAIL_CHARS ? detail : detail.substring(0, MAX_DETAIL_CHARS) + "...";
  }
}
