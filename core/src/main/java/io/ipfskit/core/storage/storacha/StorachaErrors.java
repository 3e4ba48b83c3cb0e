package io.ipfskit.core.storage.storacha;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.util.Locale;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * Turns a failure the bridge answered ({@code {"ok":false,"kind":…,"code":…,"message":…}}, see
 * {@code STORACHA-BRIDGE.md}) into the {@link StorageErrorClass} every backend uses:
 *
 * <table>
 *   <caption>bridge kind / code → class</caption>
 *   <tr><th>kind, code</th><th>example</th><th>class</th></tr>
 *   <tr><td>{@code transient}, an errno saying the service cannot be reached ({@link #UNREACHABLE_CODES})</td>
 *       <td>{@code ECONNREFUSED}: the service is down</td><td>{@link BackendUnavailableException} (the WAL
 *       waits for it without spending retries, as for IPFS and S3)</td></tr>
 *   <tr><td>{@code transient}, any other code</td><td>{@code HTTP503}, {@code HTTP429}, {@code ReceiptTimeout},
 *       {@code ECONNRESET}</td><td>{@code TRANSIENT}</td></tr>
 *   <tr><td>{@code permanent}</td><td>revoked, expired or missing delegation, unauthorized, bad key</td>
 *       <td>{@code PERMANENT}</td></tr>
 *   <tr><td>{@code invalid}</td><td>a request the bridge refuses (unreadable file, unknown op)</td>
 *       <td>{@code PERMANENT}</td></tr>
 *   <tr><td>{@code not_found}</td><td>no such upload</td><td>{@code NOT_FOUND}</td></tr>
 *   <tr><td>anything else</td><td>a bridge of another protocol version</td><td>{@code TRANSIENT} (nothing is
 *       lost by trying again; the message says what came)</td></tr>
 * </table>
 *
 * Messages name the operation, the service and the bridge's code and message, passed through
 * {@link #scrub} (the bridge promises never to send a key or proof; this makes sure anyway).
 */
final class StorachaErrors {
  /** Node errnos meaning nothing answers at the service's address. */
  static final Set<String> UNREACHABLE_CODES = Set.of("ECONNREFUSED", "ENOTFOUND", "EHOSTUNREACH", "ENETUNREACH",
      "EAI_AGAIN", "EADDRNOTAVAIL");
  private static final int MAX_MESSAGE_CHARS = 500;
  /** An ed25519 agent key as the CLI prints it ({@code Mg} + base64 multibase), or any long base64 run (a proof). */
  private static final Pattern SECRET_LOOKING = Pattern.compile("\\bMg[A-Za-z0-9+/]{40,}={0,2}|[A-Za-z0-9+/_-]{100,}={0,2}");

  private StorachaErrors() {}

  /**
   * The exception for the bridge's failure answer of {@code op}.
   *
   * @param service where the call went, for the message (the endpoint)
   * @param cidOrNull the content concerned, when there is one
   */
  static StorageException fromBridge(String op, String service, String kind, String code, String message,
      String cidOrNull) {
    String k = kind == null ? "" : kind.toLowerCase(Locale.ROOT);
    String c = code == null || code.isBlank() ? "unknown" : scrub(code);
    String text = "storacha " + op + (cidOrNull != null ? " of " + cidOrNull : "") + " at " + service + " failed ("
        + c + "): " + (message == null || message.isBlank() ? "no message" : scrub(message));
    return switch (k) {
      case "not_found" -> cidOrNull != null ? new ContentNotFoundException("storacha", cidOrNull)
          : new StorageException(text, StorageErrorClass.NOT_FOUND);
      case "permanent" -> new StorageException(text + PERMANENT_HINT, StorageErrorClass.PERMANENT);
      case "invalid" -> new StorageException(text, StorageErrorClass.PERMANENT);
      case "transient" -> UNREACHABLE_CODES.contains(c.toUpperCase(Locale.ROOT))
          ? new BackendUnavailableException(text, null)
          : new StorageException(text, StorageErrorClass.TRANSIENT);
      default -> new StorageException(text + " (the bridge answered an unknown failure kind '" + scrub(k) + "')",
          StorageErrorClass.TRANSIENT);
    };
  }

  /** The bridge process failed or broke the protocol (died, no answer in time, unreadable answer): worth retrying. */
  static StorageException bridgeFailure(String op, String what, Throwable causeOrNull) {
    return new StorageException("storacha " + op + ": " + scrub(what), StorageErrorClass.TRANSIENT, causeOrNull);
  }

  /** One line of at most {@value #MAX_MESSAGE_CHARS} characters, anything that looks like a key or proof replaced. */
  static String scrub(String text) {
    String oneLine = text.replaceAll("[\\r\\n\\t]+", " ");
    String clean = SECRET_LOOKING.matcher(oneLine).replaceAll("[redacted]");
    return clean.length() <= MAX_MESSAGE_CHARS ? clean : clean.substring(0, MAX_MESSAGE_CHARS) + "…";
  }

  private static final String PERMANENT_HINT = "; check that IPFS_KIT_STORACHA_PROOF_REF holds a current delegation of IPFS_KIT_STORACHA_SPACE to the agent"
        + " key of IPFS_KIT_STORACHA_KEY_REF ('storacha delegation create <agent-did> --base64')";
}
