package io.ipfskit.core.secrets;

import java.nio.file.Path;
import java.util.Objects;

/** Where the key-encryption key comes from: a master password or a random key file. */
public sealed interface KeySource {

  /** A master password; the KEK is derived from it with the configured {@link Kdf}. */
  record Password(char[] password) implements KeySource {
    public Password {
      Objects.requireNonNull(password, "password");
      if (password.length == 0) {
        throw new IllegalArgumentException("master password must not be empty, but was 0 characters long");
      }
      password = password.clone();
    }

    @Override
    public char[] password() {
      return password.clone();
    }

    @Override
    public boolean equals(Object o) {
      return o instanceof Password p && java.util.Arrays.equals(p.password, password);
    }

    @Override
    public int hashCode() {
      return 0;
    }

    @Override
    public String toString() {
      return "Password[redacted]";
    }
  }

  /**
   * A file holding 64 hex digits (256 random bits). Created 0600 on first start when missing and no
   * keyring exists yet.
   */
  record KeyFile(Path path) implements KeySource {
    public KeyFile {
      Objects.requireNonNull(path, "path");
    }
  }
}
