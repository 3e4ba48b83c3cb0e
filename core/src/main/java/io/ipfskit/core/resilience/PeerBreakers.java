package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.List;
import java.util.function.Function;
import java.util.function.LongSupplier;

/**
 * The per-peer breakers of all backends (an IPFS node, an S3 endpoint), bounded: at most {@code
 * maxPeers} (least recently used dropped first) and a peer unused for {@code idleExpiry} is dropped.
 * Built on Caffeine with the injected ticker and a same-thread executor, so eviction is
 * deterministic in tests ({@link #cleanUp}). A dropped peer starts again closed with an empty window.
 */
final class PeerBreakers {
  private final Cache<String, Breaker> peers;
  private final Function<String, Breaker> factory;

  PeerBreakers(ResilienceConfig.Peers config, LongSupplier nanos, Function<String, Breaker> factory) {
    requireNonNull(config, "config");
    requireNonNull(nanos, "nanos");
    this.factory = requireNonNull(factory, "factory");
    this.peers = Caffeine.newBuilder()
        .maximumSize(config.maxPeers())
        .expireAfterAccess(config.idleExpiry())
        .ticker(nanos::getAsLong)
        .executor(Runnable::run)
        .recordStats()
        .build();
  }

  /** The breaker named {@code backend@peer}, created closed on first use. */
  Breaker get(String backend, String peer) {
    return peers.get(backend + "@" + peer, factory);
  }

  /** The breaker of this name if the registry holds it now (does not count as use). */
  Breaker find(String name) {
    return peers.policy().getIfPresentQuietly(name);
  }

  List<Breaker> all() {
    return List.copyOf(peers.asMap().values());
  }

  long size() {
    return peers.estimatedSize();
  }

  long evictions() {
    return peers.stats().evictionCount();
  }

  /** Runs pending evictions now (Caffeine otherwise does it during later calls). */
  void cleanUp() {
    peers.cleanUp();
  }
}
