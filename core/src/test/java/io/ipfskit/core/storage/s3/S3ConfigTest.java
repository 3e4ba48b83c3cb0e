package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.net.URI;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class S3ConfigTest {
  private static final Path HOME = Path.of("/home/u/.ipfs_kit");

  private static Optional<S3Config> from(String... kv) {
    Map<String, String> m = new HashMap<>();
    for (int i = 0; i < kv.length; i += 2) m.put(kv[i], kv[i + 1]);
    return S3Config.from(HOME, Settings.of(m, SettingSource.environment()));
  }

  @Test
  void from_noBucket_isEmpty() {
    assertEquals(Optional.empty(), from("IPFS_KIT_S3_REGION", "eu-west-1"));
  }

  @Test
  void from_endpointAndCredentials_parsesEverySetting() {
    S3Config c = from("IPFS_KIT_S3_BUCKET", "my-bucket", "IPFS_KIT_S3_ENDPOINT", "http://127.0.0.1:9000/",
        "IPFS_KIT_S3_PREFIX", "kit/", "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE",
        "IPFS_KIT_S3_SECRET_KEY_REF", "00112233AABBCCDD", "IPFS_KIT_S3_MULTIPART_THRESHOLD_BYTES", "5242880").orElseThrow();
    assertEquals(URI.create("http://127.0.0.1:9000"), c.endpointOrNull());
    assertEquals("us-east-1", c.region());
    assertTrue(c.pathStyle(), "path-style by default with an endpoint");
    assertEquals("kit/bafkreiabc", c.key("bafkreiabc"));
    assertEquals("00112233aabbccdd", c.secretKeyRefOrNull().value());
    assertEquals(5_242_880L, c.multipartThresholdBytes());
    assertEquals(HOME.resolve("spool/s3"), c.spoolDirectory());
  }

  @Test
  void from_awsWithoutEndpoint_isVirtualHostStyleAndDefaultChain() {
    S3Config c = from("IPFS_KIT_S3_BUCKET", "my-bucket").orElseThrow();
    assertFalse(c.pathStyle());
    assertEquals(null, c.accessKeyIdOrNull());
    assertEquals("AWS S3 (us-east-1)", c.describeEndpoint());
  }

  @ParameterizedTest
  @ValueSource(strings = {"ab", "My-Bucket", "-bucket", "bucket-", "bu..cket", "192.168.1.1", "bucket_name",
      "a-very-long-bucket-name-that-goes-on-and-on-past-the-limit-of-63-chars"})
  void from_badBucketName_failsNamingKeyAndRule(String bucket) {
    ConfigException e = assertThrows(ConfigException.class, () -> from("IPFS_KIT_S3_BUCKET", bucket));
    assertEquals("IPFS_KIT_S3_BUCKET (from environment): must be " + S3Config.BUCKET_RULE, e.getMessage());
  }

  @Test
  void from_accessKeyWithoutRef_failsNamingBoth() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> from("IPFS_KIT_S3_BUCKET", "my-bucket", "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE"));
    assertEquals("IPFS_KIT_S3_ACCESS_KEY_ID (from environment): must be set together with IPFS_KIT_S3_SECRET_KEY_REF"
        + " (or unset both to use the AWS default credentials chain)", e.getMessage());
  }

  @Test
  void from_refThatIsNotAnId_failsWithoutEchoingIt() {
    ConfigException e = assertThrows(ConfigException.class, () -> from("IPFS_KIT_S3_BUCKET", "my-bucket",
        "IPFS_KIT_S3_ACCESS_KEY_ID", "AKIAEXAMPLE", "IPFS_KIT_S3_SECRET_KEY_REF", "wJalrXUtnFEMI/K7MDENG/bPxRfiCY"));
    assertEquals("IPFS_KIT_S3_SECRET_KEY_REF (from environment): must be a vault secret id of 16 hexadecimal"
        + " characters (store the key with: ipfs-kit secrets store)", e.getMessage());
    assertFalse(e.getMessage().contains("wJalr"));
  }

  @ParameterizedTest
  @ValueSource(strings = {"ftp://host", "http://", "http://user:pw@host", "http://host/path", "http://host?x=1", "nope"})
  void from_badEndpoint_failsNamingKeyAndRule(String endpoint) {
    ConfigException e = assertThrows(ConfigException.class,
        () -> from("IPFS_KIT_S3_BUCKET", "my-bucket", "IPFS_KIT_S3_ENDPOINT", endpoint));
    assertEquals("IPFS_KIT_S3_ENDPOINT (from environment): must be an http:// or https:// URL with a host and no path,"
        + " query or user info", e.getMessage());
  }

  @Test
  void from_thresholdBelowS3Minimum_fails() {
    ConfigException e = assertThrows(ConfigException.class,
        () -> from("IPFS_KIT_S3_BUCKET", "my-bucket", "IPFS_KIT_S3_MULTIPART_THRESHOLD_BYTES", "1048576"));
    assertTrue(e.getMessage().startsWith("IPFS_KIT_S3_MULTIPART_THRESHOLD_BYTES (from environment): must be an integer"
        + " from 5242880 to 5368709120"), e.getMessage());
  }

  @Test
  void from_badSettingWithoutBucket_stillFails() {
    assertThrows(ConfigException.class, () -> from("IPFS_KIT_S3_PATH_STYLE", "maybe"));
  }
}
