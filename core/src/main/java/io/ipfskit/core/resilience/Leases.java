package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.StorageBackend;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicLong;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The registry of leased resources (open backend streams, readers, sessions): each is registered
 * with its owner, when it was leased and the borrower's stack, so a lease held longer than a
 * threshold can be reported as a leak with where it came from, and closing the process can release
 * everything still held and say what it released.
 *
 * <p><b>The borrower's duty:</b> close the {@link Lease} when done with the resource (try-with-resources).
 * Closing a lease only deregisters it; the borrower closes its own resource. {@link #closeAll}
 * is the exception: it closes the resources themselves (the process is stopping).
 *
 * <p>Thread-safe: the open leases are a concurrent map; counters are atomics. A report is a
 * snapshot that may miss a lease acquired or closed while it is taken.
 */
public final class Leases implements io.ipfskit.core.storage.LeaseTracker {
  private static final Logger log = LoggerFactory.getLogger(Leases.class);

  private final Clock clock;
  private final ConcurrentHashMap<Long, Lease> open = new ConcurrentHashMap<>();
  private final AtomicLong ids = new AtomicLong();
  private final AtomicLong released = new AtomicLong();

  public Leases(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** What the registry holds and has held. */
  public record Stats(int open, long acquired, long released, Duration oldestAge) {}

  /** One lease; close it when done with the resource. */
  public final class Lease implements io.ipfskit.core.storage.LeaseTracker.Handle {
    private final long id;
    private final String owner;
    private final String what;
    private final Instant acquiredAt;
    private final StackTraceElement[] stack;
    private final AutoCloseable resource;

    private Lease(long id, String owner, String what, Instant acquiredAt, StackTraceElement[] stack, AutoCloseable resource) {
      this.id = id;
      this.owner = owner;
      this.what = what;
      this.acquiredAt = acquiredAt;
      this.stack = stack;
      this.resource = resource;
    }

    /** Deregisters the lease (idempotent). The borrower closes its resource itself. */
    @Override
    public void close() {
      if (open.remove(id, this)) released.incrementAndGet();
    }

    LeaseInfo info(Instant now) {
      StringBuilder s = new StringBuilder();
      for (StackTraceElement frame : stack) s.append("at ").append(frame).append('\n');
      return new LeaseInfo(id, owner, what, acquiredAt, Duration.between(acquiredAt, now), s.toString());
    }
  }

  /**
   * Registers {@code resource}, held by {@code owner}, described as {@code what}; records the
   * caller's stack.
   */
  public Lease acquire(String owner, String what, AutoCloseable resource) {
    requireNonNull(owner, "owner");
    requireNonNull(what, "what");
    requireNonNull(resource, "resource");
    StackTraceElement[] all = new Throwable().getStackTrace();
    int from = 0;
    while (from < all.length && isOwnFrame(all[from].getClassName())) from++;
    StackTraceElement[] stack = java.util.Arrays.copyOfRange(all, from, all.length);
    Lease lease = new Lease(ids.incrementAndGet(), owner, what, clock.instant(), stack, resource);
    open.put(lease.id, lease);
    return lease;
  }

  /** {@link #acquire}, as the backends' pools see it ({@link io.ipfskit.core.storage.LeaseTracker}). */
  @Override
  public Lease register(String owner, String what, AutoCloseable resource) {
    return acquire(owner, what, resource);
  }

  private static boolean isOwnFrame(String className) {
    return className.equals(Leases.class.getName()) || className.startsWith(Leases.class.getName() + "$")
        || className.equals(LeasedBackend.class.getName());
  }

  /** The leases held now, oldest first. */
  public List<LeaseInfo> open() {
    Instant now = clock.instant();
    List<LeaseInfo> all = new ArrayList<>();
    for (Lease l : open.values()) all.add(l.info(now));
    all.sort(Comparator.comparing(LeaseInfo::acquiredAt).thenComparingLong(LeaseInfo::id));
    return all;
  }

  /** The leases held longer than {@code maxAge}, oldest first: leaks, each with the borrower's stack. */
  public List<LeaseInfo> leaks(Duration maxAge) {
    requireNonNull(maxAge, "maxAge");
    if (maxAge.isNegative()) throw new IllegalArgumentException("maxAge must be >= 0, but was " + maxAge);
    return open().stream().filter(l -> l.age().compareTo(maxAge) > 0).toList();
  }

  public Stats stats() {
    List<LeaseInfo> now = open();
    return new Stats(now.size(), ids.get(), released.get(), now.isEmpty() ? Duration.ZERO : now.get(0).age());
  }

  /**
   * Closes every resource still leased and deregisters it; returns what it released, oldest first.
   * A resource whose close fails is still deregistered (its failure is logged, without the message
   * of the resource, which may name anything).
   */
  public List<LeaseInfo> closeAll() {
    List<LeaseInfo> releasing = open();
    for (LeaseInfo info : releasing) {
      Lease lease = open.get(info.id());
      if (lease == null) continue;
      try {
        lease.resource.close();
      } catch (Exception e) {
        log.warn("closing leased {} of {} failed: {}", info.what(), info.owner(), e.getClass().getSimpleName());
      }
      lease.close();
    }
    return releasing;
  }

  /**
   * {@code backend} with each {@code add} and {@code get} registered as a lease for as long as its
   * stream is open (the caller's stream is what {@link #closeAll} closes to stop it).
   */
  public StorageBackend track(StorageBackend backend) {
    return new LeasedBackend(requireNonNull(backend, "backend"), this);
  }
}
