package io.ipfskit.core.wal;

import java.nio.file.Path;

/**
 * What {@link WriteAheadLog#repair} cut from one file.
 *
 * @param file the segment that was truncated (a copy of the original is next to it as {@code <file>.broken})
 * @param offset where the first bad record started; the file now ends here
 * @param bytesCut how many bytes were removed
 * @param reason why the record at {@code offset} was rejected
 */
public record RepairReport(Path file, long offset, long bytesCut, String reason) {}
