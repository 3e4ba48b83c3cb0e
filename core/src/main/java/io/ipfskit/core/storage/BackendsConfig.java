package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import java.nio.file.Path;

/**
 * Which storage backends this process runs and how each is reached. Built once at start from the
 * typed configuration (never from the environment directly); the backend registry opens one backend
 * per configured entry. Today only the embedded {@code local} block store exists; IPFS, S3 and
 * Storacha add their own nullable sections here.
 *
 * @param localBlocksDirectory where the {@code local} backend keeps its blocks (absolute)
 */
public record BackendsConfig(Path localBlocksDirectory) {

  public BackendsConfig {
    requireNonNull(localBlocksDirectory, "localBlocksDirectory");
    if (!localBlocksDirectory.isAbsolute())
      throw new IllegalArgumentException(
          "localBlocksDirectory must be an absolute path, but was '" + localBlocksDirectory + "'");
  }

  /** The embedded default: only the local block store, under {@code <home>/blocks}. */
  public static BackendsConfig embedded(Path home) {
    return new BackendsConfig(home.toAbsolutePath().resolve("blocks"));
  }
}
