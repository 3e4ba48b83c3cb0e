/**
 * The resilience layer around storage backends. One public entry, {@link
 * io.ipfskit.core.resilience.Resilience}, built from a validated {@link
 * io.ipfskit.core.resilience.ResilienceConfig} (keys {@code IPFS_KIT_BREAKER_*}, {@code
 * IPFS_KIT_RAMP_*}, {@code IPFS_KIT_RETRY_*}, {@code IPFS_KIT_CONCURRENCY_*}, {@code
 * IPFS_KIT_PEERS_*}); its {@code wrap} returns a {@code StorageBackend} guarded by:
 *
 * <ul>
 *   <li>a circuit breaker per backend and per peer ({@code Breaker}: Resilience4j's state machine on
 *       our clock, plus the storage error classes deciding what counts and a bounded transition
 *       history with time and cause; peers in a bounded Caffeine registry, {@code PeerBreakers});
 *   <li>a recovery ramp after half-open → closed ({@code RecoveryRamp}: LINEAR, EXPONENTIAL, STEP);
 *   <li>an adaptive in-flight limit ({@code AimdLimit}).
 * </ul>
 *
 * <p>Retries: {@link io.ipfskit.core.resilience.RetryPolicy} per {@link
 * io.ipfskit.core.resilience.OperationClass} (the write-ahead log's durable retries use the same
 * type), and a retry budget per backend ({@code RetryBudget}) for in-process retries ({@code
 * Resilience.retrying}). Everything the layer refuses is a {@link
 * io.ipfskit.core.resilience.CallRejectedException} ({@code UNAVAILABLE}): the log waits for it
 * without spending a retry.
 */
package io.ipfskit.core.resilience;
