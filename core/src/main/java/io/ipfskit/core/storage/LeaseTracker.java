package io.ipfskit.core.storage;

/**
 * Where a backend registers what it leases (a pooled connection while a call holds it), so the
 * process can report long-held ones as leaks with the borrower's stack and release everything when
 * it stops. Implemented by the resilience layer's {@code Leases}; {@link #NONE} tracks nothing.
 *
 * <p><b>The caller's duty:</b> close the returned handle when the resource goes back (closing it only
 * deregisters; the caller still returns or closes its resource).
 */
@FunctionalInterface
public interface LeaseTracker {
  /** Tracks nothing: every handle is a no-op. */
  LeaseTracker NONE = (owner, what, resource) -> () -> {};

  /** A registration; closing it deregisters (idempotent, never throws). */
  interface Handle extends AutoCloseable {
    @Override
    void close();
  }

  /**
   * Registers {@code resource}, held on behalf of {@code owner} (e.g. {@code ipfs}), described as
   * {@code what} (never a secret), with the caller's stack.
   */
  Handle register(String owner, String what, AutoCloseable resource);
}
