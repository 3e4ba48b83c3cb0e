package io.ipfskit.core.storage;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.ipfs.IpfsConfig;
import io.ipfskit.core.storage.s3.S3Config;
import io.ipfskit.core.storage.storacha.StorachaConfig;
import java.nio.file.Path;
import java.util.Optional;

/**
 * Which storage backends this process runs and how each is reached. Built once at start from the
 * typed configuration (never from the environment directly); the backend registry opens one backend
 * per configured entry: the embedded {@code local} block store always; each other backend type has
 * its own nullable section (absent = that backend is off).
 *
 * @param localBlocksDirectory where the {@code local} backend keeps its blocks (absolute)
 * @param ipfs the IPFS node of the {@code ipfs} backend, or null when that backend is off
 * @param s3OrNull the {@code s3} backend's bucket and client settings; null = not configured
 * @param storachaOrNull the {@code storacha} backend's space, service and vault references; null = not configured
 */
public record BackendsConfig(Path localBlocksDirectory, IpfsConfig ipfs, S3Config s3OrNull,
    StorachaConfig storachaOrNull) {

  public BackendsConfig {
    requireNonNull(localBlocksDirectory, "localBlocksDirectory");
    if (!localBlocksDirectory.isAbsolute())
      throw new IllegalArgumentException(
          "localBlocksDirectory must be an absolute path, but was '" + localBlocksDirectory + "'");
  }

  /** Local, ipfs and s3 sections; storacha not configured. */
  public BackendsConfig(Path localBlocksDirectory, IpfsConfig ipfs, S3Config s3OrNull) {
    this(localBlocksDirectory, ipfs, s3OrNull, null);
  }

  /** Only the local block store in {@code localBlocksDirectory}. */
  public BackendsConfig(Path localBlocksDirectory) {
    this(localBlocksDirectory, null, null);
  }

  /** The embedded default: only the local block store, under {@code <home>/blocks}. */
  public static BackendsConfig embedded(Path home) {
    return new BackendsConfig(home.toAbsolutePath().resolve("blocks"), null, null);
  }

  /** This configuration with the {@code s3} section {@code s3OrNull} (null = not configured). */
  public BackendsConfig withS3(S3Config s3OrNull) {
    return new BackendsConfig(localBlocksDirectory, ipfs, s3OrNull, storachaOrNull);
  }

  /** This configuration with the {@code storacha} section {@code storachaOrNull} (null = not configured). */
  public BackendsConfig withStoracha(StorachaConfig storachaOrNull) {
    return new BackendsConfig(localBlocksDirectory, ipfs, s3OrNull, storachaOrNull);
  }

  /** This configuration with the {@code ipfs} backend on that node (null: off). */
  public BackendsConfig withIpfs(IpfsConfig ipfs) {
    return new BackendsConfig(localBlocksDirectory, ipfs, s3OrNull, storachaOrNull);
  }

  /** The {@code ipfs} section, when that backend is on. */
  public Optional<IpfsConfig> ipfsConfig() {
    return Optional.ofNullable(ipfs);
  }
}
