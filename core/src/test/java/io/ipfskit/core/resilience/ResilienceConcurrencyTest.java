package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

/** Many threads through one wrapped backend that fails now and then: the invariants hold. */
@Timeout(60)
class ResilienceConcurrencyTest {
  @Test
  void wrap_eightThreadsFlakyBackend_inFlightReturnsToZeroAndHistoryIsAChain() throws Exception {
    FakeTime time = new FakeTime();
    FlakyBackend ipfs = new FlakyBackend("ipfs", time);
    Resilience r = new Resilience(Configs.config(Configs.breaker(), Configs.ramp(RampStrategy.LINEAR)), time,
        time::nanos, RetryPolicyTest.LOWEST, d -> time.advance(d));
    StorageBackend b = r.wrap(ipfs);
    int threads = 8;
    int calls = 2000;
    AtomicInteger unexpected = new AtomicInteger();
    CountDownLatch start = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      List<Future<?>> done = new ArrayList<>();
      for (int t = 0; t < threads; t++) {
        int id = t;
        done.add(pool.submit(() -> {
          start.await();
          for (int i = 0; i < calls; i++) {
            if (id == 0 && i % 50 == 0) ipfs.failNext(3, StorageErrorClass.TRANSIENT);
            if (id == 1 && i % 100 == 0) time.advance(Duration.ofSeconds(11)); // lets open breakers half-open
            try {
              b.unpin("id-" + i);
            } catch (StorageException e) {
              if (!(e instanceof CallRejectedException) && e.errorClass() != StorageErrorClass.TRANSIENT)
                unexpected.incrementAndGet();
            }
          }
          return null;
        }));
      }
      start.countDown();
      for (Future<?> f : done) f.get(50, TimeUnit.SECONDS);
    } finally {
      pool.shutdownNow();
    }
    assertEquals(0, unexpected.get());
    assertEquals(0, r.limit("ipfs").inFlight(), "every slot given back");
    BreakerStatus s = r.breaker("ipfs").orElseThrow();
    assertTrue(s.transitions() > 0, "the failures opened the breaker at least once");
    List<BreakerTransition> h = s.history();
    for (int i = 1; i < h.size(); i++)
      assertEquals(h.get(i - 1).to(), h.get(i).from(), "transition " + i + " starts where the last one ended: " + h);
  }
}
