package io.ipfskit.server.bench;

import io.ipfskit.core.secrets.Kdf;
import io.ipfskit.core.secrets.KdfCost;
import io.ipfskit.core.secrets.KeySource;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretType;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.secrets.Vault;
import io.ipfskit.core.secrets.VaultConfig;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;

/**
 * In-process latency of the secrets vault: the one-time unlock (KEK derivation + unwrap), then
 * {@code retrieve} and {@code store} on an unlocked vault, after a warm-up, as p50/p90/p99/max in
 * microseconds. Every store is durable (fsyncs of the files and the directory); a retrieve appends
 * one audit line without fsync. Not a unit test: numbers depend on the machine and its load.
 */
public final class SecretsBench {
  private static final int RETRIEVE_SECRETS = 100;

  private SecretsBench() {}

  /**
   * @param scratchDir an empty or new directory the benchmark may fill (stores are created inside)
   * @param iterations measured operations per kind (retrieve; store uses at most 500, each is several fsyncs)
   */
  public static void run(Path scratchDir, int iterations, PrintStream out) {
    if (iterations < 10) {
      throw new IllegalArgumentException("iterations must be >= 10, but was " + iterations);
    }
    try {
      Files.createDirectories(scratchDir);
    } catch (java.io.IOException e) {
      throw new IllegalArgumentException("scratchDir " + scratchDir + " cannot be created: " + e, e);
    }
    out.printf(Locale.ROOT, "secrets bench: scratch=%s iterations=%d cpus=%d java=%s%n", scratchDir, iterations,
        Runtime.getRuntime().availableProcessors(), System.getProperty("java.version"));

    // one-time unlock cost with the default KDF settings
    Path pwDir = scratchDir.resolve("password-store");
    VaultConfig pw = new VaultConfig(pwDir, new KeySource.Password("bench password".toCharArray()), Kdf.PBKDF2_SHA256, 5, null,
        Clock.systemUTC());
    long t0 = System.nanoTime();
    Vault.open(pw).close();
    long create = System.nanoTime() - t0;
    t0 = System.nanoTime();
    Vault.open(pw).close();
    long unlock = System.nanoTime() - t0;
    out.printf(Locale.ROOT, "unlock, PBKDF2-HMAC-SHA256 600000 iterations: first start %.1f ms, reopen %.1f ms%n",
        create / 1e6, unlock / 1e6);
    Path argonDir = scratchDir.resolve("argon2-store");
    VaultConfig argon = new VaultConfig(argonDir, new KeySource.Password("bench password".toCharArray()), Kdf.ARGON2ID, 5,
        null, Clock.systemUTC());
    Vault.open(argon, KdfCost.DEFAULT).close();
    t0 = System.nanoTime();
    Vault.open(argon, KdfCost.DEFAULT).close();
    out.printf(Locale.ROOT, "unlock, Argon2id 64 MiB t=3 p=1: reopen %.1f ms%n", (System.nanoTime() - t0) / 1e6);

    Path dir = scratchDir.resolve("key-file-store");
    VaultConfig cfg = new VaultConfig(dir, new KeySource.KeyFile(dir.resolve("master.key")), Kdf.PBKDF2_SHA256, 5, null,
        Clock.systemUTC());
    Vault.open(cfg).close();
    t0 = System.nanoTime();
    try (Vault vault = Vault.open(cfg)) {
      out.printf(Locale.ROOT, "unlock, key file: reopen %.1f ms%n", (System.nanoTime() - t0) / 1e6);

      List<SecretId> ids = new ArrayList<>();
      for (int i = 0; i < RETRIEVE_SECRETS; i++) {
        ids.add(vault.store("bench-" + (i % 10), SecretValue.of("bench-token-value-" + i + "-0123456789abcdef"),
            SecretType.TOKEN, null, null).secretId());
      }
      int warmup = Math.max(20_000, iterations);
      long sink = 0;
      for (int i = 0; i < warmup; i++) {
        sink += vault.retrieve(ids.get(i % ids.size())).length();
      }
      long[] retrieve = new long[iterations];
      for (int i = 0; i < iterations; i++) {
        SecretId id = ids.get(i % ids.size());
        long s = System.nanoTime();
        sink += vault.retrieve(id).length();
        retrieve[i] = System.nanoTime() - s;
      }
      report(out, "retrieve (store of " + RETRIEVE_SECRETS + " secrets, audit line without fsync)", retrieve);

      int stores = Math.min(iterations, 500);
      for (int i = 0; i < Math.min(50, stores); i++) { // warm-up
        vault.store("warmup", SecretValue.of("warmup-value-" + i), SecretType.PASSWORD, null, null);
      }
      long[] store = new long[stores];
      for (int i = 0; i < stores; i++) {
        long s = System.nanoTime();
        vault.store("bench-store", SecretValue.of("stored-value-" + i), SecretType.PASSWORD, null, null);
        store[i] = System.nanoTime() - s;
      }
      report(out, "store (durable: 2 files + dir fsynced + audit fsync; store grows to "
          + (RETRIEVE_SECRETS + Math.min(50, stores) + stores) + " secrets)", store);
      if (sink == 42) {
        out.println();
      }
    }
  }

  private static void report(PrintStream out, String what, long[] nanos) {
    long[] s = nanos.clone();
    Arrays.sort(s);
    out.printf(Locale.ROOT, "%s: n=%d p50=%.1f us p90=%.1f us p99=%.1f us max=%.1f us%n", what, s.length,
        pct(s, 50) / 1e3, pct(s, 90) / 1e3, pct(s, 99) / 1e3, s[s.length - 1] / 1e3);
  }

  private static long pct(long[] sorted, double p) {
    int idx = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, idx))];
  }
}
