package io.ipfskit.core.storage.ipfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import java.io.IOException;
import java.io.InputStream;
import java.net.ConnectException;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** Failure classes from the error answers real nodes give ({@code ipfs/rpc-answers.json}). */
class KuboFailuresTest {
  private static final String NODE = "http://127.0.0.1:5001";
  private static final String MISSING = "bafkreiaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa";
  private static final JsonNode ANSWERS = load();

  private static JsonNode load() {
    try (InputStream in = KuboFailuresTest.class.getResourceAsStream("/ipfs/rpc-answers.json")) {
      return KuboAnswers.JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static StorageException answer(String node, String name, int status, String cid) {
    String body = ANSWERS.get(node).get(name).asString();
    return KuboFailures.fromAnswer(NODE, "cat", cid, status, KuboAnswers.errorMessage(body), Duration.ofSeconds(30));
  }

  @ParameterizedTest(name = "{0} {1} HTTP {2} -> {3}")
  @CsvSource({
      "kubo, error_offline_missing, 500, NOT_FOUND",
      "kubo, error_deadline, 500, TRANSIENT",
      "kubo, error_invalid_path, 500, PERMANENT",
      "kubo, error_directory, 500, PERMANENT",
      "js-ipfs, error_timeout, 500, TRANSIENT",
      "js-ipfs, error_bad_query, 400, PERMANENT",
      "js-ipfs, error_no_route, 404, PERMANENT",
  })
  void fromAnswer_realErrorAnswers_classified(String node, String name, int status, StorageErrorClass expected) {
    assertEquals(expected, answer(node, name, status, MISSING).errorClass());
  }

  @Test
  void fromAnswer_offlineMissingBlock_contentNotFoundNamingTheCid() {
    StorageException e = answer("kubo", "error_offline_missing", 500, MISSING);
    assertInstanceOf(ContentNotFoundException.class, e);
    assertEquals("ipfs backend has no content with cid " + MISSING, e.getMessage());
  }

  @Test
  void fromAnswer_nodeTimeout_transientSayingTheNodeGaveUp() {
    StorageException e = answer("js-ipfs", "error_timeout", 500, MISSING);
    assertEquals("the ipfs node at " + NODE + " answered cat of " + MISSING + " with HTTP 500: Failed to cat file:"
        + " request timed out (the node gave up after its timeout of 30 s: it does not hold the content and did not"
        + " find it in time)", e.getMessage());
  }

  @Test
  void fromAnswer_badRequest_permanentWithTheNodesMessage() {
    StorageException e = answer("js-ipfs", "error_bad_query", 400, null);
    assertEquals(StorageErrorClass.PERMANENT, e.errorClass());
    assertEquals("the ipfs node at " + NODE + " answered cat with HTTP 400: Invalid request query input", e.getMessage());
  }

  @ParameterizedTest
  @CsvSource({"500, TRANSIENT", "502, TRANSIENT", "503, TRANSIENT", "429, TRANSIENT", "403, PERMANENT", "413, PERMANENT"})
  void fromAnswer_statusWithoutMessage_classByStatus(int status, StorageErrorClass expected) {
    assertEquals(expected, KuboFailures.fromAnswer(NODE, "add", null, status, Optional.empty(), null).errorClass());
  }

  @Test
  void fromIo_connectionRefused_unavailable() {
    StorageException e = KuboFailures.fromIo(NODE, "add", new ConnectException("Connection refused"), Duration.ofSeconds(35));
    assertInstanceOf(BackendUnavailableException.class, e);
    assertEquals(StorageErrorClass.UNAVAILABLE, e.errorClass());
    assertEquals("cannot reach the ipfs node at " + NODE + " (add): Connection refused", e.getMessage());
  }

  @Test
  void fromIo_readTimeout_transientNamingTheSetting() {
    StorageException e = KuboFailures.fromIo(NODE, "cat", new SocketTimeoutException("Read timed out"),
        Duration.ofSeconds(35));
    assertEquals(StorageErrorClass.TRANSIENT, e.errorClass());
    assertEquals("the ipfs node at " + NODE + " did not answer cat within 35 s (IPFS_KIT_IPFS_TIMEOUT)", e.getMessage());
  }

  @Test
  void fromIo_connectionReset_transient() {
    assertEquals(StorageErrorClass.TRANSIENT,
        KuboFailures.fromIo(NODE, "cat", new java.net.SocketException("Connection reset"), Duration.ofSeconds(5))
            .errorClass());
  }
}
