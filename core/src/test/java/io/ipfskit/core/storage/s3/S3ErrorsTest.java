package io.ipfskit.core.storage.s3;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.net.URI;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.core.exception.SdkClientException;
import software.amazon.awssdk.services.s3.model.S3Exception;

/** The classification table of {@link S3Errors}, one answer at a time (the ITs see the real server's). */
class S3ErrorsTest {
  private static final S3Config CONFIG = new S3Config(URI.create("http://127.0.0.1:9000"), "us-east-1", "bkt", "",
      true, null, null, S3Config.DEFAULT_MULTIPART_BYTES, Path.of("/tmp/spool"));

  private static S3Exception answer(int status, String code, String message) {
    return (S3Exception) S3Exception.builder().statusCode(status)
        .awsErrorDetails(AwsErrorDetails.builder().errorCode(code).errorMessage(message).build()).build();
  }

  @ParameterizedTest
  @CsvSource({
      "503, SlowDown, TRANSIENT", "503, ServiceUnavailable, TRANSIENT", "500, InternalError, TRANSIENT",
      "502, BadGateway, TRANSIENT", "400, RequestTimeout, TRANSIENT", "429, TooManyRequests, TRANSIENT",
      "404, NoSuchBucket, PERMANENT", "403, AccessDenied, PERMANENT", "403, SignatureDoesNotMatch, PERMANENT",
      "403, InvalidAccessKeyId, PERMANENT", "400, InvalidBucketName, PERMANENT"})
  void classify_serverAnswer_givesItsClass(int status, String code, StorageErrorClass expected) {
    StorageException e = S3Errors.classify(answer(status, code, "the server's words"), CONFIG, "put object k", null);
    assertEquals(expected, e.errorClass());
  }

  @Test
  void classify_permanent_namesBucketEndpointActionCodeAndServerMessage() {
    StorageException e = S3Errors.classify(answer(403, "SignatureDoesNotMatch", "The request signature we calculated"
        + " does not match the signature you provided."), CONFIG, "put object k", null);
    assertEquals("s3 bucket 'bkt' at http://127.0.0.1:9000: put object k failed with 403 SignatureDoesNotMatch: The"
        + " request signature we calculated does not match the signature you provided. (check"
        + " IPFS_KIT_S3_ACCESS_KEY_ID and the vault secret named by IPFS_KIT_S3_SECRET_KEY_REF)", e.getMessage());
  }

  @Test
  void classify_noSuchKeyOfACid_isContentNotFound() {
    StorageException e = S3Errors.classify(answer(404, "NoSuchKey", "gone"), CONFIG, "get object k", "bafkreiabc");
    assertInstanceOf(ContentNotFoundException.class, e);
  }

  @Test
  void classify_head404WithoutCode_isContentNotFound_butNoSuchBucketIsNot() {
    assertInstanceOf(ContentNotFoundException.class, S3Errors.classify(answer(404, null, null), CONFIG, "head", "bafk"));
    assertEquals(StorageErrorClass.PERMANENT,
        S3Errors.classify(answer(404, "NoSuchBucket", "x"), CONFIG, "head", "bafk").errorClass());
  }

  @Test
  void classify_connectionRefused_isUnavailable() {
    SdkClientException e = SdkClientException.builder().message("Unable to execute HTTP request")
        .cause(new ConnectException("Connection refused")).build();
    assertInstanceOf(BackendUnavailableException.class, S3Errors.classify(e, CONFIG, "head bucket", null));
  }

  @Test
  void classify_readTimeout_isTransient() {
    SdkClientException e = SdkClientException.builder().message("Unable to execute HTTP request")
        .cause(new SocketTimeoutException("Read timed out")).build();
    assertEquals(StorageErrorClass.TRANSIENT, S3Errors.classify(e, CONFIG, "get object k", null).errorClass());
  }
}
