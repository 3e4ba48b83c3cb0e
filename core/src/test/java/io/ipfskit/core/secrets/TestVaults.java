package io.ipfskit.core.secrets;

import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;

/** Test fixtures: configs on a temp dir with a key file (no slow KDF) and a clock tests move. */
final class TestVaults {
  static final Instant T0 = Instant.parse("2026-01-01T00:00:00Z");

  private TestVaults() {}

  static VaultConfig keyFileConfig(Path dir, Clock clock) {
    return new VaultConfig(dir, new KeySource.KeyFile(dir.resolve("master.key")), Kdf.PBKDF2_SHA256, 5, null, clock);
  }

  static VaultConfig passwordConfig(Path dir, String password, Kdf kdf, Clock clock) {
    return new VaultConfig(dir, new KeySource.Password(password.toCharArray()), kdf, 5, null, clock);
  }

  /** A clock that only moves when told to. */
  static final class MutableClock extends Clock {
    private volatile Instant now;

    MutableClock(Instant start) {
      this.now = start;
    }

    void advance(Duration d) {
      now = now.plus(d);
    }

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }
}
