package io.ipfskit.core.wal;

/**
 * Counts for one backend since the log was opened.
 *
 * @param retries attempts that ended in a retryable failure or a wait for an offline backend
 * @param health the backend's last cached health probe, lower case ({@code healthy, degraded,
 *     unhealthy, unknown}); reading it never probes the backend
 */
public record BackendStats(String backend, long completed, long failed, long retries, String health) {}
