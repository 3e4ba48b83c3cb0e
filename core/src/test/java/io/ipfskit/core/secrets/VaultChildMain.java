package io.ipfskit.core.secrets;

import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Clock;

/**
 * A child process for {@link VaultProcessTest}: stores (and optionally rotates) secrets in a store
 * and prints one line per acknowledged operation, flushed, so the parent knows exactly what was acked.
 *
 * <p>Arguments: {@code <store dir> <tag> <count, -1 = until killed> <rotate: true|false>}. Output:
 * {@code ACK <id> <value>} after store returned, {@code ROT <id> <value>} after rotate returned.
 */
public final class VaultChildMain {
  private VaultChildMain() {}

  public static void main(String[] args) {
    Path dir = Path.of(args[0]);
    String tag = args[1];
    int count = Integer.parseInt(args[2]);
    boolean rotate = Boolean.parseBoolean(args[3]);
    PrintStream out = System.out;
    VaultConfig cfg = new VaultConfig(dir, new KeySource.KeyFile(dir.resolve("master.key")), Kdf.PBKDF2_SHA256, 5, null,
        Clock.systemUTC());
    try (Vault v = Vault.open(cfg)) {
      out.println("READY");
      out.flush();
      for (int i = 0; count < 0 || i < count; i++) {
        String value = tag + "-value-" + i;
        SecretId id = v.store(tag, SecretValue.of(value), SecretType.PASSWORD, null, null).secretId();
        out.println("ACK " + id.value() + " " + value);
        out.flush();
        if (rotate) {
          String next = value + "-rotated";
          v.rotate(id, SecretValue.of(next));
          out.println("ROT " + id.value() + " " + next);
          out.flush();
        }
      }
    }
    out.println("DONE");
    out.flush();
  }
}
