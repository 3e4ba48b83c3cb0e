package io.ipfskit.core.storage.ipfs;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.Locale;
import java.util.Optional;

/**
 * Turns what a Kubo RPC call met into a {@link StorageException} of the right {@link
 * StorageErrorClass}, from real answers of Kubo and js-ipfs:
 *
 * <ul>
 *   <li>the node cannot be reached (connection refused, unknown host, no route): {@link
 *       BackendUnavailableException}, so the WAL waits for the node without spending retries;
 *   <li>no answer in time (client timeout), a cut connection, HTTP 5xx, 429: {@code TRANSIENT};
 *   <li>a look-up the node gave up on after its own {@code timeout=} ("context deadline exceeded",
 *       js-ipfs "TimeoutError"): {@code TRANSIENT} &mdash; the node does not have the block and did
 *       not find it in time; a node that is online may find it later;
 *   <li>the node says it has no such block ("not found", "no link named"): {@link
 *       ContentNotFoundException};
 *   <li>HTTP 404/405 (the command is unknown there: the address is not an RPC API), other 4xx, or a 5xx whose message says the request itself is wrong (invalid CID or path, a
 *       directory where a file was expected): {@code PERMANENT}, with the node's message.
 * </ul>
 *
 * Kubo answers most command errors with HTTP 500 and {@code {"Message": ..., "Type": "error"}};
 * that is why the message, not only the status, decides.
 */
final class KuboFailures {
  private KuboFailures() {}

  private static final String[] NOT_FOUND_MARKS = {"not found", "no link named", "could not resolve", "does not exist"};
  private static final String[] TIMEOUT_MARKS = {"context deadline exceeded", "timeouterror", "timed out", "timeout"};
  private static final String[] PERMANENT_MARKS = {"invalid", "failed to parse", "is a directory", "unsupported",
      "not supported", "unknown cid", "selected encoding", "malformed"};

  /**
   * The failure of an HTTP answer that was not 200.
   *
   * @param node the node's API address (for messages)
   * @param command the RPC command, e.g. {@code cat}
   * @param cid the CID the call was about, or null
   * @param status the HTTP status
   * @param message the node's error message, if it gave one
   * @param nodeTimeout the {@code timeout=} sent with the call, or null
   */
  static StorageException fromAnswer(String node, String command, String cid, int status, Optional<String> message,
      Duration nodeTimeout) {
    String said = message.map(m -> ": " + shorten(m)).orElse("");
    String lower = message.orElse("").toLowerCase(Locale.ROOT);
    String what = "the ipfs node at " + node + " answered " + command + (cid == null ? "" : " of " + cid) + " with HTTP "
        + status + said;
    if (status == 404 || status == 405) // the command itself is unknown there: not a Kubo RPC API
      return new StorageException(what + " (no such RPC command there: is IPFS_KIT_IPFS_API the node's RPC API, port"
          + " 5001 by default, and not a gateway?)", StorageErrorClass.PERMANENT);
    if (cid != null && containsAny(lower, NOT_FOUND_MARKS) && !containsAny(lower, PERMANENT_MARKS))
      return new ContentNotFoundException("ipfs", cid);
    if (containsAny(lower, PERMANENT_MARKS)) return new StorageException(what, StorageErrorClass.PERMANENT);
    if (containsAny(lower, TIMEOUT_MARKS)) {
      return new StorageException(what + (nodeTimeout == null ? "" : " (the node gave up after its timeout of "
          + nodeTimeout.toSeconds() + " s: it does not hold the content and did not find it in time)"),
          StorageErrorClass.TRANSIENT);
    }
    if (status == 429) return new StorageException(what, StorageErrorClass.TRANSIENT);
    if (status >= 400 && status < 500) return new StorageException(what, StorageErrorClass.PERMANENT);
    return new StorageException(what, StorageErrorClass.TRANSIENT);
  }

  /** The failure of a call that got no (complete) answer. */
  static StorageException fromIo(String node, String command, IOException e, Duration clientTimeout) {
    if (e instanceof ConnectException || e instanceof UnknownHostException || e instanceof NoRouteToHostException
        || e instanceof org.apache.hc.client5.http.HttpHostConnectException) {
      return new BackendUnavailableException("cannot reach the ipfs node at " + node + " (" + command + "): "
          + reason(e), e);
    }
    if (e instanceof org.apache.hc.client5.http.ConnectTimeoutException) {
      return new BackendUnavailableException("cannot reach the ipfs node at " + node + " (" + command
          + "): no connection within " + clientTimeout.toSeconds() + " s", e);
    }
    if (e instanceof org.apache.hc.core5.http.ConnectionRequestTimeoutException) {
      return new StorageException("no connection to the ipfs node at " + node + " for " + command + ": "
          + e.getMessage(), StorageErrorClass.TRANSIENT, e);
    }
    if (e instanceof InterruptedIOException) {
      return new StorageException("the ipfs node at " + node + " did not answer " + command + " within "
          + clientTimeout.toSeconds() + " s (IPFS_KIT_IPFS_TIMEOUT)", StorageErrorClass.TRANSIENT, e);
    }
    return new StorageException("the call " + command + " to the ipfs node at " + node + " broke off: " + reason(e),
        StorageErrorClass.TRANSIENT, e);
  }

  /** An answer that is not what the command documents: the URL likely points at something else. */
  static StorageException malformed(String node, KuboAnswers.MalformedAnswerException e) {
    return new StorageException("the ipfs node at " + node + " " + e.getMessage()
        + "; is IPFS_KIT_IPFS_API the node's RPC API (port 5001 by default), not a gateway?",
        StorageErrorClass.PERMANENT, e);
  }

  private static String reason(IOException e) {
    return e.getMessage() == null ? e.getClass().getSimpleName() : shorten(e.getMessage());
  }

  private static boolean containsAny(String text, String[] marks) {
    for (String m : marks) if (text.contains(m)) return true;
    return false;
  }

  private static String shorten(String s) {
    String one = s.strip().replaceAll("\\s+", " ");
    return one.length() > 400 ? one.substring(0, 400) + "..." : one;
  }
}
