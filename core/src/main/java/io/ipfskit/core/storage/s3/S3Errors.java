package io.ipfskit.core.storage.s3;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.util.Set;
import software.amazon.awssdk.awscore.exception.AwsErrorDetails;
import software.amazon.awssdk.awscore.exception.AwsServiceException;
import software.amazon.awssdk.core.exception.ApiCallAttemptTimeoutException;
import software.amazon.awssdk.core.exception.ApiCallTimeoutException;
import software.amazon.awssdk.core.exception.SdkException;

/**
 * Turns what the SDK threw into a classified {@link StorageException}, from the answer the server
 * actually gave (its status and error code) or the network failure underneath.
 *
 * <table>
 *   <caption>How S3 failures are classified</caption>
 *   <tr><th>answer</th><th>class</th></tr>
 *   <tr><td>{@code NoSuchKey}, 404 on an object</td><td>{@link ContentNotFoundException}</td></tr>
 *   <tr><td>connection refused, no route, unknown host</td><td>{@link BackendUnavailableException}</td></tr>
 *   <tr><td>timeouts, 5xx, {@code SlowDown}, 503, 429, {@code RequestTimeout}, other I/O</td><td>TRANSIENT</td></tr>
 *   <tr><td>{@code NoSuchBucket}, {@code AccessDenied}, {@code SignatureDoesNotMatch},
 *       {@code InvalidAccessKeyId}, other 4xx</td><td>PERMANENT</td></tr>
 * </table>
 *
 * <p>Messages name the backend, the bucket, the endpoint, the action and the server's own code and
 * message. They never hold a credential: S3's error messages do not echo the secret key (a
 * {@code SignatureDoesNotMatch} carries the string to sign, which holds no key), and the SDK's
 * exception text is not used, only {@link AwsErrorDetails#errorCode()} and {@link
 * AwsErrorDetails#errorMessage()}.
 */
final class S3Errors {
  /** 4xx codes S3 uses for throttling or a request that timed out on its side: worth retrying. */
  private static final Set<String> TRANSIENT_CODES = Set.of("SlowDown", "RequestTimeout", "Throttling",
      "ThrottlingException", "RequestLimitExceeded", "TooManyRequests", "InternalError", "ServiceUnavailable",
      "RequestTimeTooSkewed");
  /** Codes saying the credentials are wrong: the cached key is dropped so a rotated one is read. */
  static final Set<String> CREDENTIAL_CODES = Set.of("SignatureDoesNotMatch", "InvalidAccessKeyId",
      "AccessDenied", "InvalidToken", "ExpiredToken");

  private S3Errors() {}

  /**
   * @param action what was being done, e.g. {@code put object ipfs-kit/bafk...}
   * @param cidOrNull the CID asked for, when a 404 means that content is absent
   */
  static StorageException classify(SdkException e, S3Config config, String action, String cidOrNull) {
    String where = "s3 bucket '" + config.bucket() + "' at " + config.describeEndpoint() + ": " + action;
    if (e instanceof AwsServiceException service) {
      int status = service.statusCode();
      AwsErrorDetails d = service.awsErrorDetails();
      String code = d == null || d.errorCode() == null ? "" : d.errorCode();
      String serverMessage = d == null || d.errorMessage() == null ? "" : d.errorMessage();
      if (cidOrNull != null && (code.equals("NoSuchKey") || (status == 404 && !code.equals("NoSuchBucket"))))
        return new ContentNotFoundException("s3", cidOrNull);
      String answer = " failed with " + status + (code.isEmpty() ? "" : " " + code)
          + (serverMessage.isEmpty() ? "" : ": " + serverMessage);
      if (status >= 500 || status == 429 || TRANSIENT_CODES.contains(code))
        return new StorageException(where + answer, StorageErrorClass.TRANSIENT, null);
      String hint = switch (code) {
        case "NoSuchBucket" -> " (create the bucket or fix IPFS_KIT_S3_BUCKET)";
        case "SignatureDoesNotMatch", "InvalidAccessKeyId" ->
            " (check IPFS_KIT_S3_ACCESS_KEY_ID and the vault secret named by IPFS_KIT_S3_SECRET_KEY_REF)";
        case "AccessDenied" -> " (the credentials may not use this bucket)";
        default -> "";
      };
      return new StorageException(where + answer + hint, StorageErrorClass.PERMANENT, null);
    }
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof VaultCredentials.CredentialsUnavailableException c) return c.storageException();
      if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException)
        return new BackendUnavailableException(where + " failed: cannot connect (" + t.getClass().getSimpleName()
            + (t.getMessage() == null ? "" : ": " + t.getMessage()) + ")", e);
      if (t instanceof SocketTimeoutException || t instanceof ApiCallTimeoutException
          || t instanceof ApiCallAttemptTimeoutException)
        return new StorageException(where + " timed out (" + t.getClass().getSimpleName() + ")",
            StorageErrorClass.TRANSIENT, e);
    }
    String detail = e.getMessage() == null ? e.getClass().getSimpleName() : e.getMessage();
    if (detail.contains("Unable to load credentials"))
      return new StorageException(where + " failed: no S3 credentials found; set IPFS_KIT_S3_ACCESS_KEY_ID and"
          + " IPFS_KIT_S3_SECRET_KEY_REF, or AWS_ACCESS_KEY_ID/AWS_SECRET_ACCESS_KEY or a profile for the AWS"
          + " default chain", StorageErrorClass.PERMANENT, e);
    return new StorageException(where + " failed: " + detail, StorageErrorClass.TRANSIENT, e);
  }
}
