package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.resilience.LeaseInfo;
import io.ipfskit.core.resilience.Leases;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

/**
 * The MCP Streamable HTTP sessions as leases (owner {@code http}, {@code MCP session <first 8
 * characters of its id>}: the whole id is a bearer-like credential and never leaves here), in the
 * HTTP server's own {@link Leases}, so a session held open longer than the leak threshold shows up
 * in the performance report with the stack that started it.
 *
 * <p>The SDK's transport ends a session on {@code DELETE} and in its idle sweep without telling
 * anyone; {@link #reconcile} releases the lease of every session the transport no longer holds
 * ({@code live}) and runs before each read of {@link #leases}. {@link #releaseAll} at server stop
 * deregisters whatever is left (the transport has closed the sessions themselves).
 * Thread-safe.
 */
final class SessionLeases {
  static final String OWNER = "http";

  private final Leases leases;
  private final Supplier<Set<String>> live;
  private final Map<String, Held> held = new ConcurrentHashMap<>();

  /**
   * A session's lease; {@code checked} once a reconcile has looked at it (the transport adds a new
   * session to its map just after the factory returns, so a reconcile in between must not release it).
   */
  private static final class Held {
    final Leases.Lease lease;
    volatile boolean checked;

    Held(Leases.Lease lease) {
      this.lease = lease;
    }
  }

  /** {@code live}: the ids of the sessions the transport holds now. */
  SessionLeases(Leases leases, Supplier<Set<String>> live) {
    this.leases = requireNonNull(leases, "leases");
    this.live = requireNonNull(live, "live");
  }

  /** Registers a session the SDK has just started (from the stack that started it). */
  void started(String sessionId) {
    requireNonNull(sessionId, "sessionId");
    Held before = held.put(sessionId, new Held(leases.acquire(OWNER, describe(sessionId), () -> {})));
    if (before != null) before.lease.close();
  }

  /**
   * Releases the lease of each session the transport no longer holds (deleted or swept, or its
   * initialize failed). A session missing at the first reconcile after it started keeps its lease
   * until the next one: the transport may not have added it yet.
   */
  void reconcile() {
    Set<String> now = live.get();
    if (now == null) return; // the transport's sessions cannot be seen: leases go at stop only
    held.entrySet().removeIf(e -> {
      Held h = e.getValue();
      if (now.contains(e.getKey()) || !h.checked) {
        h.checked = true;
        return false;
      }
      h.lease.close();
      return true;
    });
  }

  /** The registry, brought up to date with the transport's sessions. */
  Leases leases() {
    reconcile();
    return leases;
  }

  /** Releases every session lease still held (the server is stopping); returns what it released. */
  List<LeaseInfo> releaseAll() {
    held.clear();
    return leases.closeAll();
  }

  /**
   * The ids of the sessions {@code transport} (the SDK's servlet transport) holds now, read from its
   * session map: the SDK offers no close hook, and a session ends on DELETE or in its sweep without a
   * call out. When the SDK no longer has that map, null each time (then leases are released at stop
   * only) and a warning once; a test on the pinned SDK version fails first.
   */
  static Supplier<Set<String>> liveSessionsOf(Object transport) {
    requireNonNull(transport, "transport");
    try {
      java.lang.reflect.Field f = transport.getClass().getDeclaredField("sessions");
      f.setAccessible(true);
      Map<?, ?> map = (Map<?, ?>) f.get(transport);
      return () -> {
        java.util.HashSet<String> ids = new java.util.HashSet<>();
        for (Object id : map.keySet()) ids.add(String.valueOf(id));
        return ids;
      };
    } catch (ReflectiveOperationException | RuntimeException e) {
      org.slf4j.LoggerFactory.getLogger(SessionLeases.class).warn(
          "MCP session leases are released at server stop only: the transport's sessions cannot be read ({})",
          e.getClass().getSimpleName());
      return () -> null;
    }
  }

  /** What the server logs at stop: how many session leases it released and which (id prefix, age). */
  static String releasedMessage(List<LeaseInfo> released) {
    return "HTTP shutdown: released " + released.size() + " MCP session lease(s)" + (released.isEmpty() ? ""
        : ": " + String.join(", ", released.stream().map(l -> l.what() + " (" + l.age().toSeconds() + " s)").toList()));
  }

  static String describe(String sessionId) {
    return "MCP session " + (sessionId.length() <= 8 ? sessionId : sessionId.substring(0, 8));
  }
}
