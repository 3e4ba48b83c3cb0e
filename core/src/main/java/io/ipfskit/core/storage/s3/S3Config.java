package io.ipfskit.core.storage.s3;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.Settings;
import io.ipfskit.core.secrets.SecretId;
import io.ipfskit.core.secrets.SecretValidationException;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.Optional;

/**
 * Where the {@code s3} backend keeps content and how it signs in. Built once at start by {@link
 * #from} from the kit's settings; an unset {@code IPFS_KIT_S3_BUCKET} means the backend is off.
 *
 * <p>Credentials are held by reference only: {@code accessKeyIdOrNull} is an identifier, not a
 * secret, and {@code secretKeyRefOrNull} names the vault secret holding the secret access key,
 * which is read from the vault at use. Both are set or neither (then the AWS default credentials
 * chain applies: {@code AWS_ACCESS_KEY_ID}/{@code AWS_SECRET_ACCESS_KEY}, profiles, instance roles).
 *
 * @param endpointOrNull an S3-compatible server ({@code http(s)://host[:port]}); null = AWS
 * @param region the signing region, e.g. {@code us-east-1}
 * @param bucket the bucket, following the S3 bucket naming rules
 * @param prefix prepended to every object key ({@code <prefix><cid>}); may be empty
 * @param pathStyle {@code http://host/bucket/key} instead of {@code http://bucket.host/key}
 * @param accessKeyIdOrNull the access key id, or null for the default chain
 * @param secretKeyRefOrNull the vault secret id of the secret access key, or null for the default chain
 * @param multipartThresholdBytes content of at least this many bytes is uploaded in parts of this size
 * @param spoolDirectory where an add spools its content while the CID is computed (absolute)
 */
public record S3Config(URI endpointOrNull, String region, String bucket, String prefix, boolean pathStyle,
    String accessKeyIdOrNull, SecretId secretKeyRefOrNull, long multipartThresholdBytes, Path spoolDirectory) {

  /** S3's smallest part (all but the last); a smaller threshold would make invalid uploads. */
  public static final long MIN_MULTIPART_BYTES = 5L * 1024 * 1024;
  /** S3's largest part. */
  public static final long MAX_MULTIPART_BYTES = 5L * 1024 * 1024 * 1024;
  public static final long DEFAULT_MULTIPART_BYTES = 16L * 1024 * 1024;
  static final String BUCKET_RULE = "a bucket name by the S3 rules: 3 to 63 characters, lower-case letters,"
      + " digits, '.' and '-', starting and ending with a letter or digit, no '..', not an IP address";
  private static final int MAX_PREFIX_CHARS = 512;

  public static final Setting<URI> ENDPOINT = new Setting<>("IPFS_KIT_S3_ENDPOINT",
      "an http:// or https:// URL with a host and no path, query or user info", "unset",
      "an S3-compatible server (MinIO, S3Proxy, Ceph); unset = AWS S3 of IPFS_KIT_S3_REGION", S3Config::parseEndpoint);
  public static final Setting<String> REGION = new Setting<>("IPFS_KIT_S3_REGION",
      "a region name of lower-case letters, digits and '-' (e.g. us-east-1)", "us-east-1",
      "the region requests are signed for (and, without an endpoint, the AWS region used)", raw -> {
        String r = raw.trim();
        if (!r.matches("[a-z0-9][a-z0-9-]{0,62}")) throw new IllegalArgumentException("bad region");
        return r;
      });
  public static final Setting<String> BUCKET = new Setting<>("IPFS_KIT_S3_BUCKET", BUCKET_RULE, "unset",
      "the bucket content goes to; unset = the s3 backend is off", raw -> {
        String b = raw.trim();
        if (!validBucket(b)) throw new IllegalArgumentException("bad bucket");
        return b;
      });
  public static final Setting<String> PREFIX = new Setting<>("IPFS_KIT_S3_PREFIX",
      "up to " + MAX_PREFIX_CHARS + " characters without control characters, not starting with '/'", "unset (no prefix)",
      "prepended to each object key, e.g. ipfs-kit/ gives ipfs-kit/<cid>", raw -> {
        if (raw.isEmpty() || raw.length() > MAX_PREFIX_CHARS || raw.startsWith("/")
            || raw.chars().anyMatch(Character::isISOControl))
          throw new IllegalArgumentException("bad prefix");
        return raw;
      });
  public static final Setting<Boolean> PATH_STYLE = new Setting<>("IPFS_KIT_S3_PATH_STYLE", "true or false",
      "true with IPFS_KIT_S3_ENDPOINT, else false",
      "path-style requests (host/bucket/key) instead of virtual-host style (bucket.host/key)",
      Setting.bool("IPFS_KIT_S3_PATH_STYLE", true, "").parser());
  public static final Setting<String> ACCESS_KEY_ID = new Setting<>("IPFS_KIT_S3_ACCESS_KEY_ID",
      "an access key id of 3 to 128 letters and digits (set together with IPFS_KIT_S3_SECRET_KEY_REF)", "unset",
      "the access key id; unset (with the ref) = the AWS default credentials chain", raw -> {
        String k = raw.trim();
        if (!k.matches("[A-Za-z0-9_+=.@-]{3,128}")) throw new IllegalArgumentException("bad key id");
        return k;
      });
  public static final Setting<SecretId> SECRET_KEY_REF = new Setting<>("IPFS_KIT_S3_SECRET_KEY_REF",
      "a vault secret id of 16 hexadecimal characters (store the key with: ipfs-kit secrets store)", "unset",
      "the vault secret holding the secret access key, read at use; never the key itself", raw -> {
        try {
          return SecretId.parse("IPFS_KIT_S3_SECRET_KEY_REF", raw.trim());
        } catch (SecretValidationException e) {
          throw new IllegalArgumentException("bad id");
        }
      });
  public static final Setting<Long> MULTIPART_THRESHOLD_BYTES = Setting.longInteger(
      "IPFS_KIT_S3_MULTIPART_THRESHOLD_BYTES", MIN_MULTIPART_BYTES, MAX_MULTIPART_BYTES, "bytes",
      DEFAULT_MULTIPART_BYTES, "content this large or larger is uploaded in parts of this size, streamed from disk");

  /** The s3 backend's settings, in documentation order. */
  public static final List<Setting<?>> SETTINGS = List.of(BUCKET, ENDPOINT, REGION, PREFIX, PATH_STYLE,
      ACCESS_KEY_ID, SECRET_KEY_REF, MULTIPART_THRESHOLD_BYTES);

  public S3Config {
    requireNonNull(region, "region");
    requireNonNull(bucket, "bucket");
    requireNonNull(prefix, "prefix");
    requireNonNull(spoolDirectory, "spoolDirectory");
    if (!validBucket(bucket)) throw new IllegalArgumentException("bucket must be " + BUCKET_RULE);
    if ((accessKeyIdOrNull == null) != (secretKeyRefOrNull == null))
      throw new IllegalArgumentException("accessKeyId and secretKeyRef must be set together or not at all, but "
          + (accessKeyIdOrNull == null ? "only secretKeyRef" : "only accessKeyId") + " was set");
    if (multipartThresholdBytes < MIN_MULTIPART_BYTES || multipartThresholdBytes > MAX_MULTIPART_BYTES)
      throw new IllegalArgumentException("multipartThresholdBytes must be from " + MIN_MULTIPART_BYTES + " to "
          + MAX_MULTIPART_BYTES + ", but was " + multipartThresholdBytes);
    if (!spoolDirectory.isAbsolute())
      throw new IllegalArgumentException("spoolDirectory must be an absolute path, but was '" + spoolDirectory + "'");
  }

  /**
   * The s3 section of the kit's settings, or empty when {@code IPFS_KIT_S3_BUCKET} is unset; the
   * spool directory is {@code home/spool/s3}. Never reads the environment itself.
   *
   * @throws ConfigException naming the key, its source and the rule (never the value)
   */
  public static Optional<S3Config> from(Path home, Settings settings) {
    requireNonNull(home, "home");
    requireNonNull(settings, "settings");
    // Parse every key even when the bucket is unset, so a typo fails at start either way.
    Optional<URI> endpoint = settings.find(ENDPOINT);
    String region = settings.get(REGION, "us-east-1");
    Optional<String> bucket = settings.find(BUCKET);
    String prefix = settings.get(PREFIX, "");
    boolean pathStyle = settings.get(PATH_STYLE, endpoint.isPresent());
    Optional<String> keyId = settings.find(ACCESS_KEY_ID);
    Optional<SecretId> ref = settings.find(SECRET_KEY_REF);
    long threshold = settings.get(MULTIPART_THRESHOLD_BYTES, DEFAULT_MULTIPART_BYTES);
    if (keyId.isPresent() != ref.isPresent()) {
      Setting<?> missing = keyId.isPresent() ? SECRET_KEY_REF : ACCESS_KEY_ID;
      Setting<?> given = keyId.isPresent() ? ACCESS_KEY_ID : SECRET_KEY_REF;
      throw new ConfigException(given.name(), settings.source(given.name()),
          "must be set together with " + missing.name() + " (or unset both to use the AWS default credentials chain)");
    }
    if (bucket.isEmpty()) return Optional.empty();
    return Optional.of(new S3Config(endpoint.orElse(null), region, bucket.get(), prefix, pathStyle,
        keyId.orElse(null), ref.orElse(null), threshold, home.toAbsolutePath().resolve("spool").resolve("s3")));
  }

  /** The object key of {@code cid}: {@code <prefix><cid>}. */
  public String key(String cid) {
    return prefix + cid;
  }

  /** Where requests go, for messages: the endpoint or {@code AWS S3 (<region>)}. */
  public String describeEndpoint() {
    return endpointOrNull != null ? endpointOrNull.toString() : "AWS S3 (" + region + ")";
  }

  static boolean validBucket(String b) {
    if (b.length() < 3 || b.length() > 63) return false;
    if (!b.matches("[a-z0-9][a-z0-9.-]*[a-z0-9]")) return false;
    if (b.contains("..") || b.contains(".-") || b.contains("-.")) return false;
    return !b.matches("\\d+\\.\\d+\\.\\d+\\.\\d+");
  }

  private static URI parseEndpoint(String raw) {
    URI u;
    try {
      u = new URI(raw.trim());
    } catch (URISyntaxException e) {
      throw new IllegalArgumentException("not a URI");
    }
    String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
    if (!scheme.equals("http") && !scheme.equals("https")) throw new IllegalArgumentException("scheme");
    if (u.getHost() == null || u.getRawUserInfo() != null || u.getRawQuery() != null || u.getRawFragment() != null)
      throw new IllegalArgumentException("parts");
    if (u.getRawPath() != null && !u.getRawPath().isEmpty() && !u.getRawPath().equals("/"))
      throw new IllegalArgumentException("path");
    return URI.create(scheme + "://" + u.getRawAuthority());
  }
}
