package io.ipfskit.server.resilience;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.resilience.BreakerState;
import io.ipfskit.core.resilience.BreakerStatus;
import io.ipfskit.core.resilience.CallRejectedException;
import io.ipfskit.core.resilience.OperationClass;
import io.ipfskit.core.resilience.Resilience;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretLookup;
import io.ipfskit.core.secrets.SecretNotFoundException;
import io.ipfskit.core.secrets.SecretValue;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import io.ipfskit.core.storage.s3.S3Backend;
import io.ipfskit.core.storage.s3.S3Config;
import io.ipfskit.server.faults.FaultProxy;
import io.ipfskit.server.testing.S3ProxyServer;
import java.io.ByteArrayInputStream;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestInstance;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

/**
 * Fault injection between the {@code s3} backend (AWS SDK v2, its own retries off) and a real
 * S3Proxy, through a {@link FaultProxy}; the backend wrapped by the core {@link Resilience} layer on
 * a {@link ShiftedTime}. What is checked is on the proxy (connections) and in the bucket itself (its
 * listing, read with a separate SDK client).
 */
@TestInstance(TestInstance.Lifecycle.PER_CLASS)
@Timeout(value = 5, unit = TimeUnit.MINUTES)
class S3FaultInjectionIT {
  private static final String S3 = "s3"; // the backend's name
  private static final SecretId REF = SecretId.parse("ref", "00112233aabbccdd");

  @TempDir static Path dir;
  private S3ProxyServer server;

  @BeforeAll
  void start() throws Exception {
    server = S3ProxyServer.start(dir.resolve("s3proxy"), "ipfs-kit-faults");
  }

  @AfterAll
  void stop() {
    if (server != null) server.close();
  }

  private S3Backend through(FaultProxy proxy, String prefix) throws Exception {
    URI endpoint = proxy.uri();
    return S3Backend.open(new S3Config(endpoint, S3ProxyServer.REGION, server.bucket(), prefix, true,
        S3ProxyServer.ACCESS_KEY_ID, REF, S3Config.DEFAULT_MULTIPART_BYTES, dir.resolve("spool-" + prefix.replace("/", ""))),
        secret());
  }

  private static SecretLookup secret() {
    return id -> {
      if (!id.equals(REF)) throw new SecretNotFoundException(id);
      return SecretValue.of(S3ProxyServer.SECRET_KEY);
    };
  }

  private static ByteArrayInputStream bytes(String text) {
    return new ByteArrayInputStream(text.getBytes(UTF_8));
  }

  private List<String> keys(String prefix) {
    return server.keys().stream().filter(k -> k.startsWith(prefix)).sorted().toList();
  }

  private static BreakerStatus status(Resilience r) {
    return r.breaker(S3).orElseThrow();
  }

  @Test
  void wrap_resetOutage_opensFastFailsWithoutNetworkThenRecoversAndTheBucketHoldsTheProbes() throws Exception {
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(IpfsFaultInjectionIT.config(2, IpfsFaultInjectionIT.GENEROUS), time, time::nanos);
    String prefix = "breaker/";
    try (FaultProxy proxy = FaultProxy.start(server.endpoint()); StorageBackend b = r.wrap(through(proxy, prefix))) {
      StoredContent first = b.add(bytes("before the outage"));
      proxy.reset();
      StorageException real = assertThrows(StorageException.class, () -> b.add(bytes("during the outage")));
      assertFalse(real instanceof CallRejectedException, "a real failure from the network: " + real);
      assertEquals(BreakerState.OPEN, status(r).state(), "1 failure of 2 calls: 50 %");

      int before = proxy.settle();
      for (int i = 0; i < 50; i++) {
        CallRejectedException e = assertThrows(CallRejectedException.class, () -> b.add(bytes("refused")));
        assertEquals(CallRejectedException.Reason.BREAKER_OPEN, e.reason());
      }
      assertEquals(before, proxy.settle(), "no connection reached the proxy while the breaker was open");

      proxy.pass();
      time.advance(Duration.ofSeconds(31));
      StoredContent probe1 = b.add(bytes("probe one"));
      assertEquals(BreakerState.HALF_OPEN, status(r).state());
      StoredContent probe2 = b.add(bytes("probe two"));
      assertEquals(BreakerState.CLOSED, status(r).state());
      assertTrue(status(r).recovering());

      assertEquals(List.of(first.location(), probe1.location(), probe2.location()).stream().sorted().toList(),
          keys(prefix), "the bucket holds what succeeded and nothing refused");
    }
  }

  @Test
  void retrying_twoConnectionsReset_addSucceedsAndTheBucketHoldsOneObject() throws Exception {
    ShiftedTime time = new ShiftedTime();
    Resilience r = Resilience.create(IpfsFaultInjectionIT.config(10, IpfsFaultInjectionIT.GENEROUS), time, time::nanos);
    String prefix = "retry/";
    try (FaultProxy proxy = FaultProxy.start(server.endpoint())) {
      CountingBackend counting = new CountingBackend(through(proxy, prefix));
      try (StorageBackend b = r.wrap(counting)) {
        proxy.resetNext(2);
        AtomicInteger attempts = new AtomicInteger();
        StoredContent c = r.retrying(S3, OperationClass.WRITE, () -> {
          attempts.incrementAndGet();
          return b.add(bytes("transient fault on s3"));
        });
        assertTrue(attempts.get() >= 2, "at least one attempt met a reset: " + attempts);
        assertTrue(proxy.settle() >= 3, "two connections reset, then one passed");
        assertEquals(Map.of(c.cid(), 1), counting.adds(), "applied once");
        assertEquals(List.of(c.location()), keys(prefix), "one object in the bucket");
      }
    }
  }
}
