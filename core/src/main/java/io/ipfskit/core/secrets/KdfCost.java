package io.ipfskit.core.secrets;

/**
 * Work factors for deriving the key-encryption key; used when a keyring is created or re-wrapped
 * (the parameters are stored in the keyring, so an existing keyring always opens with its own).
 *
 * <p>Values below the floors ({@value #MIN_PBKDF2_ITERATIONS} PBKDF2 iterations, Argon2id
 * {@value #MIN_ARGON2_MEMORY_KIB} KiB / {@value #MIN_ARGON2_ITERATIONS} passes, the OWASP minimums)
 * are rejected unless the cost is built with {@link #insecureForTests}, which exists so tests that
 * are not about the KDF do not spend seconds in it.
 */
public record KdfCost(
    int pbkdf2Iterations, int argon2MemoryKib, int argon2Iterations, int argon2Parallelism, boolean insecureTestOnly) {
  public static final int MIN_PBKDF2_ITERATIONS = 600_000;
  public static final int MIN_ARGON2_MEMORY_KIB = 19_456;
  public static final int MIN_ARGON2_ITERATIONS = 2;

  /** PBKDF2-HMAC-SHA256 600,000 iterations; Argon2id 64 MiB, 3 passes, 1 lane. */
  public static final KdfCost DEFAULT = new KdfCost(600_000, 65_536, 3, 1, false);

  public KdfCost {
    if (pbkdf2Iterations < 1) {
      throw new IllegalArgumentException("pbkdf2Iterations must be >= 1, but was " + pbkdf2Iterations);
    }
    if (argon2MemoryKib < 8 * argon2Parallelism) {
      throw new IllegalArgumentException(
          "argon2MemoryKib must be >= 8 * argon2Parallelism, but was " + argon2MemoryKib);
    }
    if (argon2Iterations < 1) {
      throw new IllegalArgumentException("argon2Iterations must be >= 1, but was " + argon2Iterations);
    }
    if (argon2Parallelism < 1 || argon2Parallelism > 16) {
      throw new IllegalArgumentException("argon2Parallelism must be 1 to 16, but was " + argon2Parallelism);
    }
    if (!insecureTestOnly) {
      if (pbkdf2Iterations < MIN_PBKDF2_ITERATIONS) {
        throw new IllegalArgumentException("pbkdf2Iterations must be >= " + MIN_PBKDF2_ITERATIONS
            + " (OWASP minimum for PBKDF2-HMAC-SHA256), but was " + pbkdf2Iterations
            + "; use KdfCost.insecureForTests only in tests");
      }
      if (argon2MemoryKib < MIN_ARGON2_MEMORY_KIB) {
        throw new IllegalArgumentException("argon2MemoryKib must be >= " + MIN_ARGON2_MEMORY_KIB
            + ", but was " + argon2MemoryKib + "; use KdfCost.insecureForTests only in tests");
      }
      if (argon2Iterations < MIN_ARGON2_ITERATIONS) {
        throw new IllegalArgumentException("argon2Iterations must be >= " + MIN_ARGON2_ITERATIONS
            + ", but was " + argon2Iterations + "; use KdfCost.insecureForTests only in tests");
      }
    }
  }

  /** A deliberately cheap cost for tests: 1,000 PBKDF2 iterations, Argon2id 64 KiB / 1 pass. */
  public static KdfCost insecureForTests() {
    return new KdfCost(1_000, 64, 1, 1, true);
  }
}
