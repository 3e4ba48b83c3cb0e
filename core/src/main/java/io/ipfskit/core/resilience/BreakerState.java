package io.ipfskit.core.resilience;

/** A breaker's state as reported ({@link BreakerStatus}) and recorded in its history ({@link BreakerTransition}). */
public enum BreakerState {
  /** Calls pass; outcomes fill the sliding window. */
  CLOSED,
  /** Calls are refused at once until the wait in open has passed. */
  OPEN,
  /** A bounded number of probe calls pass; their outcome closes or re-opens the breaker. */
  HALF_OPEN,
  /** Refused by an operator until reset or forced closed. */
  FORCED_OPEN,
  /** Passing everything by an operator's order (outcomes are still measured) until reset or forced open. */
  FORCED_CLOSED
}
