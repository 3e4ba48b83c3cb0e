package io.ipfskit.core.storage;

/**
 * Told when a backend's cached health changes status (see {@link BackendRegistry#onHealthChange}):
 * e.g. HEALTHY to UNHEALTHY, or back. A first probe that finds a backend HEALTHY is no change
 * worth telling (it was merely unknown before); a first probe that finds it anything else is.
 *
 * <p>Called on the health-probe thread, after the new result is cached, one change at a time in
 * probe order. It must return quickly and never throw (a failure is logged and ignored); it must
 * not probe or call the registry back in a way that waits for a probe round.
 */
@FunctionalInterface
public interface HealthChangeListener {

  /**
   * @param backend the backend's name
   * @param previous the cached health before (status UNKNOWN before the first probe)
   * @param current the new cached health; its detail says why (probe messages name the backend and
   *     the failure type, never credentials)
   */
  void healthChanged(String backend, CheckedHealth previous, CheckedHealth current);
}
