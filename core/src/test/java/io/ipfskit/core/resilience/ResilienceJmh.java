package io.ipfskit.core.resilience;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;

/**
 * What the resilience layer adds to a call (JMH; not a test, nothing asserts time). The backend
 * does nothing but count, so the difference between {@code direct} and {@code guarded} is the
 * layer: breaker permission and outcome (Resilience4j, count window), ramp check, AIMD slot and two
 * {@code System.nanoTime} readings. Also the ramp's admission check (idle and while ramping), the
 * retry budget's check, the fast-fail of an open breaker, and a {@link ContentCache} get (hit
 * through the caching wrapper, 4 KiB; a miss's look-up). The pool's borrow/return is {@code
 * io.ipfskit.core.storage.ipfs.PoolJmh}.
 *
 * <pre>
 * mvn -B -o -q -pl core test-compile dependency:build-classpath -Dmdep.outputFile=target/cp.txt
 * java -cp core/target/test-classes:core/target/classes:$(cat core/target/cp.txt) org.openjdk.jmh.Main \
 *     'io.ipfskit.core.resilience.ResilienceJmh' -rf json -rff /tmp/resilience-jmh.json
 * </pre>
 *
 * Report the median of the measurement iterations per benchmark (all from the same run).
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 5, time = 1)
@Measurement(iterations = 10, time = 1)
@Fork(1)
public class ResilienceJmh {
  /** Does nothing but count (so the call is not optimised away). */
  static class CountingBackend implements StorageBackend {
    private final String name;
    long pins;

    CountingBackend(String name) {
      this.name = name;
    }

    @Override
    public String name() {
      return name;
    }

    @Override
    public StoredContent add(InputStream content) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void get(String cid, OutputStream out) {
      throw new UnsupportedOperationException();
    }

    @Override
    public void pin(String cid) {
      pins++;
    }

    @Override
    public void unpin(String cid) {
      pins--;
    }

    @Override
    public void remove(String cid) {}

    @Override
    public BackendHealth health() {
      return BackendHealth.healthy("bench");
    }
  }

  private CountingBackend raw;
  private StorageBackend guarded;
  private StorageBackend open;
  private RecoveryRamp idleRamp;
  private RecoveryRamp rampingRamp;
  private RetryBudget budget;
  private Breaker breaker;
  private io.github.resilience4j.circuitbreaker.CircuitBreaker r4j;
  private AimdLimit limit;
  private long tick;
  private ContentCache cache;
  private StorageBackend cached;
  private static final byte[] CONTENT = new byte[4096];
  private static final OutputStream SINK = OutputStream.nullOutputStream();

  @Setup(Level.Trial)
  public void setUp() {
    raw = new CountingBackend("bench");
    ResilienceConfig d = ResilienceConfig.defaults();
    Resilience r = Resilience.create(d);
    guarded = r.wrap(raw);
    open = r.wrap(new CountingBackend("down"));
    r.forceOpen("down", "benchmark");
    idleRamp = new RecoveryRamp(d.ramp());
    rampingRamp = new RecoveryRamp(new ResilienceConfig.Ramp(RampStrategy.LINEAR, 0.5, 0.01, Duration.ofHours(1),
        1_000_000, 1_000_000, Duration.ofDays(1), Duration.ZERO));
    rampingRamp.start(0);
    budget = new RetryBudget(d.budget());
    breaker = new Breaker("parts", d.breaker(), d.ramp(), java.time.Clock.systemUTC(), System::nanoTime);
    r4j = io.github.resilience4j.circuitbreaker.CircuitBreaker.of("raw",
        io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.custom().slidingWindow(20, 10,
            io.github.resilience4j.circuitbreaker.CircuitBreakerConfig.SlidingWindowType.COUNT_BASED).build());
    limit = new AimdLimit(d.concurrency());
    cache = ContentCache.create(ContentCacheConfig.DEFAULTS);
    cached = cache.wrap(new CountingBackend("cached") {
      @Override
      public void get(String cid, OutputStream out) {
        try {
          out.write(CONTENT);
        } catch (java.io.IOException e) {
          throw new java.io.UncheckedIOException(e);
        }
      }
    });
    try {
      cached.get("bafkhit", SINK); // a miss that fills the entry the hit benchmark reads
    } catch (StorageException e) {
      throw new IllegalStateException(e);
    }
  }

  /** A cache hit through the caching wrapper: Caffeine look-up and a 4 KiB write to a null stream. */
  @Benchmark
  public long cacheGetHit() throws StorageException {
    cached.get("bafkhit", SINK);
    return tick;
  }

  /** A miss's look-up (what a miss adds before the backend is called). */
  @Benchmark
  public byte[] cacheLookupMiss() {
    return cache.lookup("cached", "bafkmiss");
  }

  /** Resilience4j alone: permission and a success of a fixed duration (no clock reading). */
  @Benchmark
  public boolean partResilience4j() {
    boolean ok = r4j.tryAcquirePermission();
    r4j.onSuccess(1000, TimeUnit.NANOSECONDS);
    return ok;
  }

  /** Our breaker (Resilience4j + ramp + transition check), fixed duration. */
  @Benchmark
  public int partBreaker() throws CallRejectedException {
    breaker.acquire();
    breaker.onResult(1000, null);
    return 1;
  }

  /** The AIMD slot, fixed duration. */
  @Benchmark
  public int partLimit() {
    limit.tryAcquire();
    limit.release(1000, false);
    return limit.limit();
  }

  @Benchmark
  public long direct() throws StorageException {
    raw.pin("bafk");
    return raw.pins;
  }

  @Benchmark
  public long guarded() throws StorageException {
    guarded.pin("bafk");
    return raw.pins;
  }

  @Benchmark
  public boolean openBreakerFastFail() {
    try {
      open.pin("bafk");
      return true;
    } catch (StorageException e) {
      return e.errorClass() == StorageErrorClass.UNAVAILABLE;
    }
  }

  @Benchmark
  public boolean rampAdmitIdle() {
    return idleRamp.admit(++tick);
  }

  @Benchmark
  public boolean rampAdmitRamping() {
    return rampingRamp.admit(++tick);
  }

  @Benchmark
  public boolean retryBudgetCheck() {
    long now = System.nanoTime();
    budget.recordCall(now);
    return budget.tryAcquireRetry(now);
  }

  @Benchmark
  public long nanoTime() {
    return System.nanoTime();
  }

}
