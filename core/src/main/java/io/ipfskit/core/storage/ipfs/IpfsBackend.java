package io.ipfskit.core.storage.ipfs;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.BackendHealth;
import io.ipfskit.core.storage.Cid;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

/**
 * The {@code ipfs} backend: content on an IPFS node, reached through its Kubo RPC API (Kubo, or
 * js-ipfs which speaks the same API). The one public entry of this package; the HTTP calls live in
 * {@link KuboRpc}, answer parsing in {@link KuboAnswers}, failure classes in {@link KuboFailures}.
 *
 * <ul>
 *   <li>{@link #add} streams the content to {@code add} with {@code cid-version=1},
 *       {@code raw-leaves=true}, {@code cid-base=base32} and the default chunker (256 KiB, 174
 *       links per node): the same layout as the local block store, so the same bytes get the same
 *       CID on both. It pins when {@link IpfsConfig#pinOnAdd()} says so.
 *   <li>{@link #get} streams {@code cat} to the caller's stream, never whole in memory.
 *   <li>{@link #pin} / {@link #unpin}: {@code pin/add} / {@code pin/rm}, recursive, idempotent.
 *   <li>{@link #remove} <b>means unpin</b>: IPFS has no delete. Unpinned blocks stay on the node
 *       until the node's own garbage collection ({@code ipfs repo gc}, or its GC schedule) removes
 *       them; this backend never runs GC (it would collect other users' unpinned content too).
 *   <li>{@link #health}: {@code version} and {@code id} answered in time.
 * </ul>
 *
 * CIDs given to it are checked and normalised with {@link Cid#canonical} before any call (a
 * malformed CID is a {@code PERMANENT} failure without touching the node); CIDs the node answers
 * (base32, base58btc or CIDv0) come back as CIDv1 base32.
 *
 * <p>Thread-safe. {@link #close()} closes the connection pool.
 */
public final class IpfsBackend implements StorageBackend {
  static final String NAME = "ipfs";

  /** What {@code block/stat} says of one block. */
  public record BlockStat(String cid, long size) {}

  /** What {@code id} says: the node's peer id and agent (e.g. {@code kubo/0.29.0/}, {@code js-ipfs/0.66.1}). */
  public record NodeId(String peerId, String agentVersion) {}

  /** What {@code version} says. */
  public record NodeVersion(String version, String repo, String system) {}

  /** What {@code repo/stat} says; {@code storageMax} is -1 when the node did not say. */
  public record RepoStat(long repoSize, long storageMax, long numObjects, String repoPath, String version) {}

  private final IpfsConfig config;
  private final KuboRpc rpc;

  private IpfsBackend(IpfsConfig config, KuboRpc rpc) {
    this.config = config;
    this.rpc = rpc;
  }

  /**
   * A backend for the node {@code config} names, with the default pool waiting up to the call timeout
   * for a connection. Does not call the node (it may be down now).
   */
  public static IpfsBackend open(IpfsConfig config) {
    requireNonNull(config, "config");
    return new IpfsBackend(config, new KuboRpc(config.api(), config.timeout()));
  }

  /**
   * A backend for the node {@code config} names, its connections pooled as {@code pool} says and
   * each one a call holds registered with {@code leases}. Does not call the node.
   */
  public static IpfsBackend open(IpfsConfig config, io.ipfskit.core.storage.PoolConfig pool,
      io.ipfskit.core.storage.LeaseTracker leases) {
    requireNonNull(config, "config");
    return new IpfsBackend(config, new KuboRpc(config.api(), config.timeout(), requireNonNull(pool, "pool"),
        requireNonNull(leases, "leases")));
  }

  @Override
  public String name() {
    return NAME;
  }

  /** The connection pool's figures now (HttpClient 5's own, plus measured acquire waits). */
  @Override
  public java.util.Optional<io.ipfskit.core.storage.PoolStats> poolStats() {
    return java.util.Optional.of(rpc.poolStats());
  }

  /** The node's API address this backend calls. */
  public String node() {
    return rpc.node();
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    Counting in = new Counting(requireNonNull(content, "content"));
    Map<String, String> q = new LinkedHashMap<>();
    q.put("cid-version", "1");
    q.put("raw-leaves", "true");
    q.put("cid-base", "base32");
    q.put("pin", Boolean.toString(config.pinOnAdd()));
    q.put("progress", "false");
    String answer;
    try {
      answer = rpc.add(in, q);
    } catch (StorageException e) {
      throw e;
    } catch (IOException sourceFailure) {
      // The caller's stream failed (file unreadable, cancel, add limit): not the node's failure.
      throw new StorageException("add to the ipfs node at " + node() + " stopped: reading the content failed: "
          + sourceFailure.getMessage(), sourceFailure instanceof java.nio.file.FileSystemException
              ? StorageErrorClass.PERMANENT : StorageErrorClass.TRANSIENT, sourceFailure);
    }
    try {
      KuboAnswers.Added added = KuboAnswers.add(answer);
      return new StoredContent(added.cid(), in.count, node(), config.pinOnAdd());
    } catch (KuboAnswers.MalformedAnswerException e) {
      throw KuboFailures.malformed(node(), e);
    }
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    String c = checked(cid);
    requireNonNull(out, "out");
    try {
      rpc.cat(c, out);
    } catch (StorageException e) {
      throw e;
    } catch (IOException sinkFailure) {
      throw new StorageException("get of " + c + " from the ipfs node at " + node()
          + " stopped: writing the content failed: " + sinkFailure.getMessage(), StorageErrorClass.TRANSIENT, sinkFailure);
    }
  }

  @Override
  public void pin(String cid) throws StorageException {
    String c = checked(cid);
    JsonPins.check("pin/add", node(), rpc.json("pin/add", Map.of("arg", c, "recursive", "true"), c, true));
  }

  /** Idempotent: content that is not pinned (or was never on the node) is not an error. */
  @Override
  public void unpin(String cid) throws StorageException {
    String c = checked(cid);
    try {
      JsonPins.check("pin/rm", node(), rpc.json("pin/rm", Map.of("arg", c, "recursive", "true"), c, false));
    } catch (ContentNotFoundException notThere) {
      // Kubo: "not pinned or pinned indirectly"; js-ipfs: "... is not pinned": nothing to undo.
    } catch (StorageException e) {
      if (!notPinned(e)) throw e;
    }
  }

  /**
   * Unpins: IPFS has no delete. The blocks stay until the node's own garbage collection removes
   * them (this backend never triggers GC). Removing content that is not pinned is not an error.
   */
  @Override
  public void remove(String cid) throws StorageException {
    unpin(cid);
  }

  /** Whether the node holds a recursive or direct pin on {@code cid} ({@code pin/ls}). */
  public boolean pinned(String cid) throws StorageException {
    String c = checked(cid);
    String answer;
    try {
      answer = rpc.call("pin/ls", Map.of("arg", c, "type", "all"), c, true);
    } catch (ContentNotFoundException notThere) {
      return false;
    } catch (StorageException e) {
      if (notPinned(e)) return false;
      throw e;
    }
    try {
      String type = KuboAnswers.pins(answer).get(c);
      return type != null && !type.equalsIgnoreCase("indirect");
    } catch (KuboAnswers.MalformedAnswerException e) {
      throw KuboFailures.malformed(node(), e);
    }
  }

  /** The size of the block {@code cid} ({@code block/stat}, with the node's timeout). */
  public BlockStat blockStat(String cid) throws StorageException {
    String c = checked(cid);
    return parsed(() -> KuboAnswers.blockStat(rpc.json("block/stat", Map.of("arg", c), c, true)));
  }

  public NodeId id() throws StorageException {
    return parsed(() -> KuboAnswers.id(rpc.json("id", Map.of(), null, false)));
  }

  public NodeVersion version() throws StorageException {
    return parsed(() -> KuboAnswers.version(rpc.json("version", Map.of(), null, false)));
  }

  public RepoStat repoStat() throws StorageException {
    return parsed(() -> KuboAnswers.repoStat(rpc.json("repo/stat", Map.of(), null, false)));
  }

  /** Healthy when the node answers {@code version} and {@code id} in time; never throws. */
  @Override
  public BackendHealth health() {
    try {
      NodeVersion v = version();
      NodeId id = id();
      return BackendHealth.healthy("ipfs node " + id.peerId() + " (" + (id.agentVersion().isEmpty() ? "version "
          + v.version() : id.agentVersion()) + ") at " + node());
    } catch (StorageException e) {
      return BackendHealth.unhealthy(e.getMessage());
    } catch (RuntimeException e) {
      return BackendHealth.unhealthy("probing the ipfs node at " + node() + " failed: " + e);
    }
  }

  @Override
  public void close() {
    rpc.close();
  }

  @Override
  public String toString() {
    return "IpfsBackend[" + node() + ", timeout " + config.timeout() + ", pinOnAdd " + config.pinOnAdd() + "]";
  }

  private static String checked(String cid) throws StorageException {
    return Cid.canonical(cid).orElseThrow(() -> new StorageException("cid " + Cid.ACCEPTED_RULE,
        StorageErrorClass.PERMANENT));
  }

  private static boolean notPinned(StorageException e) {
    return e.getMessage() != null && e.getMessage().toLowerCase(Locale.ROOT).contains("not pinned");
  }

  private interface Parse<T> {
    T get() throws StorageException, KuboAnswers.MalformedAnswerException;
  }

  private <T> T parsed(Parse<T> p) throws StorageException {
    try {
      return p.get();
    } catch (KuboAnswers.MalformedAnswerException e) {
      throw KuboFailures.malformed(node(), e);
    }
  }

  /** Checks that a {@code pin/add} / {@code pin/rm} answer has the documented shape. */
  private static final class JsonPins {
    static void check(String command, String node, tools.jackson.databind.JsonNode answer) throws StorageException {
      try {
        KuboAnswers.pinned(command, answer);
      } catch (KuboAnswers.MalformedAnswerException e) {
        throw KuboFailures.malformed(node, e);
      }
    }
  }

  /** Counts the content bytes as they go to the node: the content size (the node reports the DAG size). */
  private static final class Counting extends FilterInputStream {
    long count;

    Counting(InputStream in) {
      super(in);
    }

    @Override
    public int read() throws IOException {
      int b = super.read();
      if (b >= 0) count++;
      return b;
    }

    @Override
    public int read(byte[] b, int off, int len) throws IOException {
      int n = super.read(b, off, len);
      if (n > 0) count += n;
      return n;
    }

    @Override
    public long skip(long n) {
      return 0; // every byte goes to the node
    }

    @Override
    public void close() {
      // the caller closes its stream
    }
  }
}
