package io.ipfskit.core.storage.storacha;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import java.util.Optional;
import java.util.regex.Pattern;

/**
 * Where the {@code storacha} backend uploads, reads and signs in. Built once at start by {@link
 * #from}; the backend is configured when {@code IPFS_KIT_STORACHA_SPACE}, {@code _KEY_REF} and
 * {@code _PROOF_REF} are all set (none = off; some = a start error naming the missing key).
 *
 * <p>The agent key and the delegation proof are held by reference only ({@link SecretId}s of vault
 * secrets, stored with {@code ipfs-kit secrets store}); they are read from the vault when the
 * bridge process starts and go to it in its {@code init} message, never through its arguments,
 * environment, a log line or this record's {@link #toString()} (which holds no secret anyway).
 *
 * @param endpoint the upload service ({@code http(s)://host[:port]}), e.g. {@code https://up.storacha.network}
 * @param serviceDid the service's DID: {@code did:web:up.storacha.network}, or a local service's {@code did:key}
 * @param space the space DID content is uploaded to ({@code did:key:z…})
 * @param keyRef the vault secret holding the agent's private key ({@code Mg…}, from {@code storacha key create})
 * @param proofRef the vault secret holding the base64 delegation ({@code storacha delegation create --base64})
 * @param gateway the path-style gateway reads go to ({@code <gateway>/ipfs/<cid>})
 * @param timeout the longest one bridge call or gateway wait (connect, between answer bytes) takes;
 *     an add gets {@link #addTimeout(long)} (this plus one second per MiB)
 * @param nodeExecutable the Node.js executable ({@code node} on the PATH, or a path)
 * @param spoolDirectory where an add spools a stream to a file the bridge can read (absolute)
 * @param bridgeCacheDirectory where the bridge's files and npm dependencies are installed (absolute)
 */
public record StorachaConfig(URI endpoint, String serviceDid, String space, SecretId keyRef, SecretId proofRef,
    URI gateway, Duration timeout, String nodeExecutable, Path spoolDirectory, Path bridgeCacheDirectory) {

  public static final URI DEFAULT_ENDPOINT = URI.create("https://up.storacha.network");
  public static final String DEFAULT_SERVICE_DID = "did:web:up.storacha.network";
  public static final URI DEFAULT_GATEWAY = URI.create("https://storacha.link");
  public static final Duration MIN_TIMEOUT = Duration.ofSeconds(1);
  public static final Duration MAX_TIMEOUT = Duration.ofMinutes(10);
  public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(60);

  static final String URL_RULE = "an http:// or https:// URL with a host and no path, query or user info";
  static final String SPACE_RULE = "a space DID: did:key:z followed by 40 to 100 base58btc characters"
      + " (what 'storacha space create' or 'storacha space ls' prints)";
  static final String SERVICE_DID_RULE = "did:web:<host> or did:key:z<base58btc>";
  static final String REF_RULE = "a vault secret id of 16 hexadecimal characters (store the value with:"
      + " ipfs-kit secrets store)";
  static final String NODE_RULE = "a program name or path without control characters";
  private static final Pattern DID_KEY = Pattern.compile("did:key:z[1-9A-HJ-NP-Za-km-z]{40,100}");
  private static final Pattern DID_WEB = Pattern.compile("did:web:[A-Za-z0-9.-]+(%3A[0-9]+)?(:[A-Za-z0-9._-]+)*");

  public static final Setting<URI> ENDPOINT = new Setting<>("IPFS_KIT_STORACHA_ENDPOINT", URL_RULE,
      DEFAULT_ENDPOINT.toString(), "the Storacha upload service the storacha backend talks to (a local service in"
          + " tests)", raw -> parseUrl(raw));
  public static final Setting<String> SERVICE_DID = new Setting<>("IPFS_KIT_STORACHA_SERVICE_DID", SERVICE_DID_RULE,
      DEFAULT_SERVICE_DID, "the upload service's DID (invocations are addressed to it); a local service has its own"
          + " did:key", raw -> {
        String d = raw.trim();
        if (!DID_KEY.matcher(d).matches() && !DID_WEB.matcher(d).matches()) throw new IllegalArgumentException("did");
        return d;
      });
  public static final Setting<String> SPACE = new Setting<>("IPFS_KIT_STORACHA_SPACE", SPACE_RULE, "unset",
      "the space uploads go to; unset (with the two refs) = the storacha backend is off", raw -> {
        String d = raw.trim();
        if (!DID_KEY.matcher(d).matches()) throw new IllegalArgumentException("space");
        return d;
      });
  public static final Setting<SecretId> KEY_REF = ref("IPFS_KIT_STORACHA_KEY_REF",
      "the vault secret holding the agent's private key (Mg…, from 'storacha key create'); never the key itself");
  public static final Setting<SecretId> PROOF_REF = ref("IPFS_KIT_STORACHA_PROOF_REF",
      "the vault secret holding the space delegation to the agent ('storacha delegation create <agent> --base64')");
  public static final Setting<URI> GATEWAY = new Setting<>("IPFS_KIT_STORACHA_GATEWAY", URL_RULE,
      DEFAULT_GATEWAY.toString(), "the path-style IPFS gateway get/cat read from (<gateway>/ipfs/<cid>)",
      raw -> parseUrl(raw));
  public static final Setting<Duration> TIMEOUT = Setting.seconds("IPFS_KIT_STORACHA_TIMEOUT", MIN_TIMEOUT,
      MAX_TIMEOUT, DEFAULT_TIMEOUT, "longest wait per storacha call (list, remove, health; the gateway's connect and"
          + " each wait between answer bytes); an add gets this plus one second per MiB");
  public static final Setting<String> NODE = new Setting<>("IPFS_KIT_STORACHA_NODE", NODE_RULE, "node",
      "the Node.js (18 or later) that runs the storacha bridge (@storacha/client); npm is looked for next to it,"
          + " then on the PATH", raw -> {
        String n = raw.trim();
        if (n.isEmpty() || n.chars().anyMatch(Character::isISOControl)) throw new IllegalArgumentException("node");
        return n;
      });

  /** The storacha backend's settings, in documentation order. */
  public static final List<Setting<?>> SETTINGS = List.of(SPACE, KEY_REF, PROOF_REF, ENDPOINT, SERVICE_DID, GATEWAY,
      TIMEOUT, NODE);

  public StorachaConfig {
    requireNonNull(endpoint, "endpoint");
    requireNonNull(serviceDid, "serviceDid");
    requireNonNull(space, "space");
    requireNonNull(keyRef, "keyRef");
    requireNonNull(proofRef, "proofRef");
    requireNonNull(gateway, "gateway");
    requireNonNull(timeout, "timeout");
    requireNonNull(nodeExecutable, "nodeExecutable");
    requireNonNull(spoolDirectory, "spoolDirectory");
    requireNonNull(bridgeCacheDirectory, "bridgeCacheDirectory");
    endpoint = checkedUrl("endpoint", endpoint);
    gateway = checkedUrl("gateway", gateway);
    if (!DID_KEY.matcher(space).matches())
      throw new IllegalArgumentException("space must be " + SPACE_RULE + ", but was '" + space + "'");
    if (!DID_KEY.matcher(serviceDid).matches() && !DID_WEB.matcher(serviceDid).matches())
      throw new IllegalArgumentException("serviceDid must be " + SERVICE_DID_RULE + ", but was '" + serviceDid + "'");
    if (timeout.compareTo(MIN_TIMEOUT) < 0 || timeout.compareTo(MAX_TIMEOUT) > 0)
      throw new IllegalArgumentException("timeout must be from " + MIN_TIMEOUT + " to " + MAX_TIMEOUT + ", but was "
          + timeout);
    if (nodeExecutable.isBlank() || nodeExecutable.chars().anyMatch(Character::isISOControl))
      throw new IllegalArgumentException("nodeExecutable must be " + NODE_RULE);
    if (!spoolDirectory.isAbsolute())
      throw new IllegalArgumentException("spoolDirectory must be an absolute path, but was '" + spoolDirectory + "'");
    if (!bridgeCacheDirectory.isAbsolute())
      throw new IllegalArgumentException("bridgeCacheDirectory must be an absolute path, but was '"
          + bridgeCacheDirectory + "'");
  }

  /**
   * The storacha section of the kit's settings, or empty when none of {@link #SPACE}, {@link
   * #KEY_REF}, {@link #PROOF_REF} is set. The spool directory is {@code home/spool/storacha}, the
   * bridge cache {@code ~/.cache/ipfs-kit} (of the {@code user.home} property). Never reads the
   * environment itself.
   *
   * @throws ConfigException naming the key, its source and the rule (never the value); for a partial
   *     configuration, naming the first missing key of the three
   */
  public static Optional<StorachaConfig> from(Path home, Settings settings) {
    requireNonNull(home, "home");
    requireNonNull(settings, "settings");
    // Parse every key even when the backend is off, so a typo fails at start either way.
    URI endpoint = settings.get(ENDPOINT, DEFAULT_ENDPOINT);
    String serviceDid = settings.get(SERVICE_DID, DEFAULT_SERVICE_DID);
    Optional<String> space = settings.find(SPACE);
    Optional<SecretId> keyRef = settings.find(KEY_REF);
    Optional<SecretId> proofRef = settings.find(PROOF_REF);
    URI gateway = settings.get(GATEWAY, DEFAULT_GATEWAY);
    Duration timeout = settings.get(TIMEOUT, DEFAULT_TIMEOUT);
    String node = settings.get(NODE, "node");
    if (space.isEmpty() && keyRef.isEmpty() && proofRef.isEmpty()) return Optional.empty();
    Setting<?> given = space.isPresent() ? SPACE : keyRef.isPresent() ? KEY_REF : PROOF_REF;
    for (Setting<?> required : List.of(SPACE, KEY_REF, PROOF_REF)) {
      if (settings.find(required).isEmpty())
        throw new ConfigException(required.name(), settings.source(required.name()), "must be set when "
            + given.name() + " is (from " + settings.source(given.name()) + "): the storacha backend needs " + SPACE.name() + ", " + KEY_REF.name() + " and " + PROOF_REF.name()
            + " together (or none of them to leave it off)");
    }
    Path cache = Path.of(System.getProperty("user.home"), ".cache", "ipfs-kit").toAbsolutePath();
    return Optional.of(new StorachaConfig(endpoint, serviceDid, space.get(), keyRef.get(), proofRef.get(), gateway,
        timeout, node, home.toAbsolutePath().resolve("spool").resolve("storacha"), cache));
  }

  /** The deadline of adding {@code sizeBytes}: {@link #timeout()} plus one second per started MiB. */
  public Duration addTimeout(long sizeBytes) {
    long mib = (Math.max(0, sizeBytes) + (1 << 20) - 1) >> 20;
    return timeout.plusSeconds(mib);
  }

  private static Setting<SecretId> ref(String name, String doc) {
    return new Setting<>(name, REF_RULE, "unset", doc, raw -> {
      try {
        return SecretId.parse(name, raw.trim());
      } catch (SecretValidationException e) {
        throw new IllegalArgumentException("bad id");
      }
    });
  }

  private static URI parseUrl(String raw) {
    try {
      return checkedUrl("url", new URI(raw.trim()));
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI");
    }
  }

  /** {@code scheme://authority} without a trailing slash; the message never repeats the URL. */
  private static URI checkedUrl(String field, URI u) {
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https"))
      throw new IllegalArgumentException(field + " must be " + URL_RULE + ", but its scheme is '" + scheme + "'");
    if (u.getHost() == null || u.getHost().isEmpty() || u.getRawUserInfo() != null || u.getRawQuery() != null
        || u.getRawFragment() != null)
      throw new IllegalArgumentException(field + " must be " + URL_RULE + ", but it has no host or has user info,"
          + " a query or a fragment");
    if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
      throw new IllegalArgumentException(field + " must be " + URL_RULE + ", but it has a path");
    return URI.create(scheme + "://" + u.getRawAuthority());
  }
}
