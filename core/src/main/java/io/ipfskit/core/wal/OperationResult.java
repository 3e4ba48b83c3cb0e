package io.ipfskit.core.wal;

/**
 * What a finished operation produced (reference field names {@code cid, size, destination}).
 * Every component may be null when the operation type does not produce it.
 */
public record OperationResult(String cid, Long size, String destination) {}
