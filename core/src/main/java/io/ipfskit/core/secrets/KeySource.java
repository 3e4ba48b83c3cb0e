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
   * A file holding the master password ({@code IPFS_KIT_MASTER_PASSWORD_FILE}), read each time the
   * vault is opened, not when the configuration is parsed: a missing or unreadable file does not
   * stop a server from starting (its other tools work), each secrets call answers why, and a file
   * fixed meanwhile is read on the next call. A trailing line break is dropped.
   *
   * @param setting the setting that named the file, for messages
   * @param from where that setting was set (e.g. "environment"), for messages
   */
  record PasswordFile(Path path, String setting, String from) implements KeySource {
    public PasswordFile {
      Objects.requireNonNull(path, "path");
      Objects.requireNonNull(setting, "setting");
      Objects.requireNonNull(from, "from");
    }

    /**
     * Reads the password now.
     *
     * @throws VaultKeySourceException naming the setting, where it was set, the file and the rule
     *     it breaks (missing, a directory, not readable, empty); never the content
     */
    public Password read() {
      byte[] bytes;
      try {
        bytes = java.nio.file.Files.readAllBytes(path);
      } catch (java.nio.file.NoSuchFileException e) {
        throw unusable("must name an existing file holding the master password, but " + path + " does not exist");
      } catch (java.nio.file.AccessDeniedException e) {
        throw unusable("must name a file this process may read, but reading " + path + " was denied (permissions:"
            + " make it readable by the user running ipfs-kit, e.g. owned by it with mode 600)");
      } catch (java.io.IOException e) {
        if (java.nio.file.Files.isDirectory(path)) {
          throw unusable("must name a file holding the master password, but " + path + " is a directory");
        }
        throw unusable("must name a readable file holding the master password, but " + path + " could not be read ("
            + e.getClass().getSimpleName() + ")");
      }
      int end = bytes.length;
      while (end > 0 && (bytes[end - 1] == '\n' || bytes[end - 1] == '\r')) {
        end--;
      }
      if (end == 0) {
        throw unusable("must name a file holding the master password, but " + path + " is empty");
      }
      java.nio.CharBuffer cb = java.nio.charset.StandardCharsets.UTF_8.decode(java.nio.ByteBuffer.wrap(bytes, 0, end));
      char[] chars = new char[cb.remaining()];
      cb.get(chars);
      java.util.Arrays.fill(bytes, (byte) 0);
      if (cb.hasArray()) {
        java.util.Arrays.fill(cb.array(), '\0');
      }
      try {
        return new Password(chars);
      } finally {
        java.util.Arrays.fill(chars, '\0');
      }
    }

    private VaultKeySourceException unusable(String rule) {
      return new VaultKeySourceException(setting + " (from " + from + "): " + rule);
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
