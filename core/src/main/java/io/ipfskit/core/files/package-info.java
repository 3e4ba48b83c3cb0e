/**
 * File access roots: which host files a tool may read or write, checked so that symbolic links,
 * {@code ..}, relative paths and files swapped after the check cannot widen it.
 *
 * <p>{@link io.ipfskit.core.files.FileAccessPolicy} is the entry: it checks a path argument at the
 * tool edge ({@code checkRead}, {@code checkWrite}) and again when the operation runs ({@code
 * recheckRead}, {@code recheckWrite}, {@code openRead}). {@link io.ipfskit.core.files.AllowedRoots}
 * is the set of folders in force (the client's MCP roots, the operator's {@code
 * IPFS_KIT_ALLOWED_ROOTS}, or both intersected). {@link io.ipfskit.core.files.AtomicFileWriter}
 * writes a destination through a random exclusive temp file and an atomic rename; {@link
 * io.ipfskit.core.files.BoundedCopy} bounds and cancels a copy. A refusal is a {@link
 * io.ipfskit.core.files.PathRefusedException} naming the argument and the rule, never the path.
 */
package io.ipfskit.core.files;
