package io.ipfskit.core.secrets;

import java.time.Instant;

/** One audit log line (never a value). {@code secretIdOrNull} is a string: legacy lines may hold anything. */
public record AuditEntry(
    Instant timestamp, String secretIdOrNull, String service, String action, boolean success, String reasonOrNull) {}
