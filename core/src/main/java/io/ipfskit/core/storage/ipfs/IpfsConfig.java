package io.ipfskit.core.storage.ipfs;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import java.net.URI;
import java.net.URISyntaxException;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * How the {@code ipfs} backend reaches its node: the Kubo RPC API address, the timeout of every
 * call, and whether an {@code add} pins what it stored.
 *
 * @param api the node's RPC API, {@code http(s)://host:port} (optionally with a path prefix), no
 *     user info, query or fragment; a trailing slash is dropped
 * @param timeout the longest one call waits to connect and between answer bytes; block look-ups
 *     ({@code cat}, {@code pin/add}, {@code block/stat}) also send it to the node as {@code timeout=}
 *     so a node that cannot find a block gives up instead of searching forever
 * @param pinOnAdd whether {@code add} pins the content on the node ({@code pin=true})
 */
public record IpfsConfig(URI api, Duration timeout, boolean pinOnAdd) {
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(30);

  static final String API_RULE = "an http:// or https:// URL of the node's Kubo RPC API with a host (e.g."
      + " http://127.0.0.1:5001), without user info, query or fragment";

  /** {@code IPFS_KIT_IPFS_API}: unset turns the {@code ipfs} backend off. */
  public static final Setting<URI> API = new Setting<>("IPFS_KIT_IPFS_API", API_RULE, "unset",
      "the IPFS node the ipfs backend stores on, by its Kubo RPC API (e.g. http://127.0.0.1:5001); unset = the ipfs"
          + " backend is off and wal_add_operation refuses backend ipfs",
      IpfsConfig::parseApi);

  /** {@code IPFS_KIT_IPFS_TIMEOUT}. */
  public static final Setting<Duration> TIMEOUT = Setting.seconds("IPFS_KIT_IPFS_TIMEOUT", MIN_TIMEOUT, MAX_TIMEOUT,
      DEFAULT_TIMEOUT, "longest wait for the IPFS node per call (to connect, and between answer bytes); block look-ups"
          + " also ask the node to give up after it");

  /** {@code IPFS_KIT_IPFS_PIN_ON_ADD}. */
  public static final Setting<Boolean> PIN_ON_ADD = Setting.bool("IPFS_KIT_IPFS_PIN_ON_ADD", true,
      "whether an add on the ipfs backend pins the content on the node (unpinned content may be garbage collected"
          + " by the node)");

  /** Every setting of the {@code ipfs} backend, for the kit's list of known keys. */
  public static final List<Setting<?>> SETTINGS = List.of(API, TIMEOUT, PIN_ON_ADD);

  public IpfsConfig {
    requireNonNull(api, "api");
    requireNonNull(timeout, "timeout");
    api = checkedApi(api);
    if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0)
      throw new IllegalArgumentException("timeout must be from " + MIN_TIMEOUT + " to " + MAX_TIMEOUT + ", but was "
          + timeout);
  }

  /** A node at {@code api} with the default timeout, pinning on add. */
  public static IpfsConfig of(URI api) {
    return new IpfsConfig(api, DEFAULT_TIMEOUT, true);
  }

  /**
   * The {@code ipfs} section of the settings: empty when {@link #API} is unset.
   *
   * @throws io.ipfskit.core.config.ConfigException naming the key, its source and the rule for a bad value
   *     (checked also when the API is unset, so a typo never waits for the day the API is set)
   */
  public static Optional<IpfsConfig> from(Settings settings) {
    Duration timeout = settings.get(TIMEOUT, DEFAULT_TIMEOUT);
    boolean pin = settings.get(PIN_ON_ADD, true);
    return settings.find(API).map(api -> new IpfsConfig(api, timeout, pin));
  }

  private static URI parseApi(String raw) {
    try {
      return checkedApi(new URI(raw.trim()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI");
    }
  }

  /** The URI without a trailing slash. The message never repeats the URI (it may hold a password). */
  private static URI checkedApi(URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https"))
      throw new IllegalArgumentException("api must be " + API_RULE + ", but its scheme is '" + scheme + "'");
    if (u.getHost() == null || u.getHost().isEmpty())
      throw new IllegalArgumentException("api must be " + API_RULE + ", but it has no host");
    if (u.getRawUserInfo() != null)
      throw new IllegalArgumentException("api must be " + API_RULE + ", but it has user info");
    if (u.getRawQuery() != null || u.getRawFragment() != null)
      throw new IllegalArgumentException("api must be " + API_RULE + ", but it has a query or fragment");
    String text = u.toString();
    while (text.endsWith("/")) text = text.substring(0, text.length() - 1);
    return URI.create(text);
  }
}
