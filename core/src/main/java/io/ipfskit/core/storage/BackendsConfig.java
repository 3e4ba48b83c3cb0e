package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.s3.S3Config;
import java.nio.file.Path;

/**
 * Which storage backends this process runs and how each is reached. Built once at start from the
 * typed configuration (never from the environment directly); the backend registry opens one backend
 * per configured entry. Today only the embedded {@code local} block store exists; IPFS, S3 and
 * Storacha add their own nullable sections here.
 *
 * @param localBlocksDirectory where the {@code local} backend keeps its blocks (absolute)
 * @param s3OrNull the {@code s3} backend's bucket and client settings; null = not configured
 */
public record BackendsConfig(Path localBlocksDirectory, S3Config s3OrNull) {

  public BackendsConfig {
    requireNonNull(localBlocksDirectory, "localBlocksDirectory");
    if (!localBlocksDirectory.isAbsolute())
      throw new IllegalArgumentException(
          "localBlocksDirectory must be an absolute path, but was '" + localBlocksDirectory + "'");
  }

  /** The embedded default: only the local block store, under {@code <home>/blocks}. */
  public static BackendsConfig embedded(Path home) {
    return new BackendsConfig(home.toAbsolutePath().resolve("blocks"), null);
  }

  /** This configuration with the {@code s3} section {@code s3OrNull} (null = not configured). */
  public BackendsConfig withS3(S3Config s3OrNull) {
    return new BackendsConfig(localBlocksDirectory, s3OrNull);
  }
}
