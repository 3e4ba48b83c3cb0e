package io.ipfskit.core.secrets;

/**
 * Result of checking the audit hash chain. {@code legacyEntries} counts the unchained lines a
 * reference store had before the chain started; {@code problemOrNull} names the line and the fault.
 */
public record AuditVerification(boolean valid, long entries, long legacyEntries, String problemOrNull) {}
