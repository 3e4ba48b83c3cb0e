package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Instant;

/**
 * One change of a breaker's state, as recorded in its bounded history.
 *
 * @param at when the change was observed (the injected clock)
 * @param from the state before
 * @param to the state after
 * @param cause why, e.g. {@code failure rate 60.0 % >= 50 % over 10 calls; last failure: ...}
 */
public record BreakerTransition(Instant at, BreakerState from, BreakerState to, String cause) {
  public BreakerTransition {
    requireNonNull(at, "at");
    requireNonNull(from, "from");
    requireNonNull(to, "to");
    requireNonNull(cause, "cause");
  }
}
