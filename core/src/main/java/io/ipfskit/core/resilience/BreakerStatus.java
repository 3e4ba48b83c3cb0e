package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * A breaker as the status tool shows it.
 *
 * @param name the backend ({@code ipfs}) or backend and peer ({@code ipfs@peer-id})
 * @param state its state now
 * @param failureRatePercent failed share of the calls in the window, or -1 while below minimum calls
 * @param slowCallRatePercent slow share of the calls in the window, or -1 while below minimum calls
 * @param callsInWindow calls the window holds
 * @param notPermittedCalls calls refused since the breaker was created
 * @param recovering whether the recovery ramp is limiting traffic now
 * @param admittedRate the share of calls the ramp admits now (1 when not recovering)
 * @param rampRestarts times the ramp started again because of failures
 * @param transitions state changes since the breaker was created
 * @param history the latest transitions, oldest first (bounded)
 */
public record BreakerStatus(String name, BreakerState state, float failureRatePercent, float slowCallRatePercent,
    int callsInWindow, long notPermittedCalls, boolean recovering, double admittedRate, long rampRestarts,
    long transitions, List<BreakerTransition> history) {
  public BreakerStatus {
    requireNonNull(name, "name");
    requireNonNull(state, "state");
    history = List.copyOf(history);
  }
}
