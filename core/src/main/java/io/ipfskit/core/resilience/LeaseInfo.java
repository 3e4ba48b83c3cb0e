package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.time.Instant;

/**
 * One leased resource as {@link Leases} reports it.
 *
 * @param id the registry's number for it
 * @param owner who holds it ({@code ipfs}, a tool name, ...)
 * @param what what is held ({@code get bafk... stream})
 * @param acquiredAt when it was leased
 * @param age how long it has been held at the time of the report
 * @param stack where it was leased: the borrower's stack, one frame a line
 */
public record LeaseInfo(long id, String owner, String what, Instant acquiredAt, Duration age, String stack) {
  public LeaseInfo {
    requireNonNull(owner, "owner");
    requireNonNull(what, "what");
    requireNonNull(acquiredAt, "acquiredAt");
    requireNonNull(age, "age");
    requireNonNull(stack, "stack");
  }
}
