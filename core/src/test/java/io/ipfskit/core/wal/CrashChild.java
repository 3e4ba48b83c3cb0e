package io.ipfskit.core.wal;

import java.io.FileDescriptor;
import java.io.FileOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.util.Map;

/**
 * Child process for {@link WalCrashTest}: opens the log in {@code always} mode and appends from a
 * few threads forever, printing each operation id on stdout only after {@code add} returned (that
 * is, after its fsync). The parent kills it with SIGKILL at a random point.
 */
public final class CrashChild {
  private CrashChild() {}

  static WalConfig config(Path dir) {
    // small segments so kills also land around segment rolls
    return new WalConfig(dir, FsyncMode.ALWAYS, 256, Duration.ofMillis(10), Duration.ofMillis(100), 32 * 1024, 1000,
        5, Duration.ofSeconds(60), Duration.ofHours(1), true, Duration.ofSeconds(5), 30, 1);
  }

  public static void main(String[] args) throws Exception {
    Path dir = Path.of(args[0]);
    int threads = Integer.parseInt(args[1]);
    PrintStream out = new PrintStream(new FileOutputStream(FileDescriptor.out), false, StandardCharsets.US_ASCII);
    WriteAheadLog wal = WriteAheadLog.openPaused(config(dir), Map.of("local", new ScriptedBackend("local")),
        Clock.systemUTC());
    out.println("READY");
    out.flush();
    for (int t = 0; t < threads; t++) {
      int tt = t;
      Thread th = new Thread(() -> {
        try {
          for (long i = 0; ; i++) {
            String id = wal.add(new NewOperation(OperationType.ADD, "local", WalTests.content("c" + tt + "-" + i)))
                .operationId();
            synchronized (out) {
              out.println(id);
              out.flush();
            }
          }
        } catch (Exception e) {
          e.printStackTrace();
          System.exit(3);
        }
      }, "appender-" + t);
      th.start();
    }
    Thread.currentThread().join(); // until killed
  }
}
