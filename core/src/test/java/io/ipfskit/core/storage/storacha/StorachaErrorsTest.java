package io.ipfskit.core.storage.storacha;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertInstanceOf;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.storage.BackendUnavailableException;
import io.ipfskit.core.storage.ContentNotFoundException;
import io.ipfskit.core.storage.StorageErrorClass;
import io.ipfskit.core.storage.StorageException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class StorachaErrorsTest {
  static final String SERVICE = "http://127.0.0.1:9";
  static final String CID = "bafkreigh2akiscaildcqabsyg3dfr6chu3fgpregiymsck7e7aqa4s52zy";

  @ParameterizedTest
  @CsvSource({
      "permanent, Unauthorized, PERMANENT",
      "permanent, DelegationRevoked, PERMANENT",
      "permanent, InvalidProof, PERMANENT",
      "invalid, BadRequest, PERMANENT",
      "transient, HTTP503, TRANSIENT",
      "transient, HTTP429, TRANSIENT",
      "transient, ReceiptTimeout, TRANSIENT",
      "transient, ECONNRESET, TRANSIENT",
      "transient, ECONNREFUSED, UNAVAILABLE",
      "transient, ENOTFOUND, UNAVAILABLE",
      "not_found, UploadNotFound, NOT_FOUND",
      "weird, Something, TRANSIENT"})
  void fromBridge_kindAndCode_class(String kind, String code, StorageErrorClass expected) {
    StorageException e = StorachaErrors.fromBridge("add", SERVICE, kind, code, "it failed", null);
    assertEquals(expected, e.errorClass());
    if (expected == StorageErrorClass.UNAVAILABLE) assertInstanceOf(BackendUnavailableException.class, e);
  }

  @Test
  void fromBridge_message_namesOpServiceCodeAndBridgeMessage() {
    StorageException e = StorachaErrors.fromBridge("list", SERVICE, "transient", "HTTP503", "service unavailable", null);
    assertEquals("storacha list at http://127.0.0.1:9 failed (HTTP503): service unavailable", e.getMessage());
  }

  @Test
  void fromBridge_permanent_saysHowToFixTheDelegation() {
    StorageException e = StorachaErrors.fromBridge("add", SERVICE, "permanent", "Unauthorized", "revoked", null);
    assertTrue(e.getMessage().startsWith("storacha add at http://127.0.0.1:9 failed (Unauthorized): revoked; check"
        + " that IPFS_KIT_STORACHA_PROOF_REF holds a current delegation"), e.getMessage());
  }

  @Test
  void fromBridge_notFoundWithCid_contentNotFound() {
    StorageException e = StorachaErrors.fromBridge("remove", SERVICE, "not_found", "UploadNotFound", "none", CID);
    assertInstanceOf(ContentNotFoundException.class, e);
    assertEquals("storacha backend has no content with cid " + CID, e.getMessage());
  }

  @Test
  void scrub_agentKeyAndProof_redactedDidsAndCidsKept() {
    String key = "MgCYKXoHVy7Vk4/QjcEGi+nmPJw7Vt4cVfzGzrPh3AHj1Qu0BmvX4BdSs3xJbWSaQt5CaHBtNvF0uHU7sN2ZX8b5mAgM=";
    String proof = "mAYIEAKMOEaJlcm9vdHOAZ3ZlcnNpb24BmAIBcRIg" + "A".repeat(300);
    String did = "did:key:z6MkhaXgBZDvotDkL5257faiztiGiC2QtKLGpbnnEGta2doK";
    String s = StorachaErrors.scrub("key " + key + " proof " + proof + " space " + did + " root " + CID + "\nnext");
    assertFalse(s.contains(key.substring(0, 30)), s);
    assertFalse(s.contains("AAAAAAAAAA"), s);
    assertTrue(s.contains(did) && s.contains(CID), s);
    assertFalse(s.contains("\n"));
  }

  @Test
  void scrub_longText_cutTo500Chars() {
    assertEquals(501, StorachaErrors.scrub("a b ".repeat(400)).length());
  }
}
