package io.ipfskit.core.storage;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;

/**
 * Rough speed of the local block store (not a test; nothing asserts time): adds a file of N MiB
 * (every 256 KiB block fsynced), then reads it back, in a fresh directory per run; prints medians
 * of 3 runs.
 *
 * <pre>
 * mvn -B -o -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) \
 *     io.ipfskit.core.storage.LocalBlockStoreBenchmark [mebibytes] [directory]
 * </pre>
 */
public final class LocalBlockStoreBenchmark {
  public static void main(String[] args) throws IOException {
    int mib = args.length > 0 ? Integer.parseInt(args[0]) : 256;
    Path base = args.length > 1 ? Path.of(args[1]) : Files.createTempDirectory("blocks-bench");
    long size = (long) mib << 20;
    byte[] pattern = new byte[1 << 20];
    for (int i = 0; i < pattern.length; i++) pattern[i] = (byte) (i * 31 + 7);
    int runs = 3;
    double[] add = new double[runs], get = new double[runs];
    String cid = null;
    for (int r = 0; r < runs; r++) {
      LocalBlockStore store = LocalBlockStore.open(base.resolve("run" + r));
      int run = r;
      InputStream in = new InputStream() {
        long pos;

        @Override
        public int read() {
          throw new UnsupportedOperationException();
        }

        @Override
        public int read(byte[] b, int off, int len) {
          if (pos >= size) return -1;
          int n = (int) Math.min(Math.min(len, pattern.length), size - pos);
          System.arraycopy(pattern, 0, b, off, n);
          b[off] = (byte) (pos >>> 20);          // make every MiB (and so every chunk) distinct
          b[off + n - 1] = (byte) run;           // and every run, so no run finds blocks present
          pos += n;
          return n;
        }
      };
      long a = System.nanoTime();
      cid = store.add(in).cid();
      long b = System.nanoTime();
      store.get(cid, OutputStream.nullOutputStream());
      long c = System.nanoTime();
      add[r] = (b - a) / 1e9;
      get[r] = (c - b) / 1e9;
    }
    try (java.util.stream.Stream<Path> files = Files.walk(base)) {   // leave nothing behind
      for (Path f : files.sorted(java.util.Comparator.reverseOrder()).toList()) Files.delete(f);
    }
    System.out.printf("file %d MiB (%d blocks of 256 KiB), root %s%n", mib, mib * 4, cid);
    System.out.printf("add (hash + write + fsync per block): median %.2f s = %.0f MiB/s%n", median(add), mib / median(add));
    System.out.printf("get (read + verify sha2-256 per block): median %.2f s = %.0f MiB/s%n", median(get), mib / median(get));
  }

  private static double median(double[] v) {
    double[] s = v.clone();
    Arrays.sort(s);
    return s[s.length / 2];
  }
}
