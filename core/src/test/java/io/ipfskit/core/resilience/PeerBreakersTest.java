package io.ipfskit.core.resilience;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotSame;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertSame;

import io.ipfskit.core.resilience.ResilienceConfig.Peers;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class PeerBreakersTest {
  final FakeTime time = new FakeTime();

  PeerBreakers registry(int max) {
    return new PeerBreakers(new Peers(max, Duration.ofMinutes(1)), time::nanos,
        name -> new Breaker(name, Configs.breaker(), Configs.noRamp(), time, time::nanos));
  }

  @Test
  void get_samePeer_returnsTheSameBreakerNamedBackendAtPeer() {
    PeerBreakers r = registry(10);
    Breaker a = r.get("ipfs", "12D3KooWA");
    assertSame(a, r.get("ipfs", "12D3KooWA"));
    assertEquals("ipfs@12D3KooWA", a.name());
    assertSame(a, r.find("ipfs@12D3KooWA"));
    assertNull(r.find("ipfs@other"));
  }

  @Test
  void get_morePeersThanMax_dropsTheLeastRecentlyUsed() {
    PeerBreakers r = registry(2);
    for (String p : new String[] {"a", "b", "c", "d"}) r.get("s3", p);
    r.cleanUp();
    assertEquals(2, r.size());
    assertEquals(2, r.evictions());
  }

  @Test
  void get_peerIdleLongerThanExpiry_isDroppedAndComesBackClosed() {
    PeerBreakers r = registry(10);
    Breaker old = r.get("ipfs", "p");
    old.forceOpen("bad peer");
    time.advance(Duration.ofSeconds(30));
    r.get("ipfs", "q");
    time.advance(Duration.ofSeconds(31));
    r.cleanUp();
    assertEquals(1, r.size(), "p idle 61 s is gone, q idle 31 s stays");
    Breaker fresh = r.get("ipfs", "p");
    assertNotSame(old, fresh);
    assertEquals(BreakerState.CLOSED, fresh.state());
  }
}
