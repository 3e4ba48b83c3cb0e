package io.ipfskit.core.secrets;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class AuditLogTest {
  @TempDir Path tmp;
  final TestVaults.MutableClock clock = new TestVaults.MutableClock(TestVaults.T0);
  Path log;
  SecretId id;

  private Vault open() {
    return Vault.open(TestVaults.keyFileConfig(tmp.resolve("secrets"), clock));
  }

  @BeforeEach
  void writeSomeHistory() {
    log = tmp.resolve("secrets/audit.log");
    try (Vault v = open()) {
      id = v.store("svc", SecretValue.of("audit-secret-value"), SecretType.PASSWORD, null, null).secretId();
      v.retrieve(id);
      v.rotate(id, SecretValue.of("audit-secret-value-2"));
      v.list();
      assertThrows(SecretValidationException.class,
          () -> v.store("svc", SecretValue.of("short"), SecretType.API_KEY, null, null));
      v.delete(id);
    }
  }

  @Test
  void audit_recordsEveryActionWithSuccessAndReason() {
    try (Vault v = open()) {
      List<AuditEntry> all = v.audit(null, 100);
      assertEquals(List.of("store", "retrieve", "rotate", "list", "store", "delete"), all.stream().map(AuditEntry::action).toList());
      assertEquals(List.of(true, true, true, true, false, true), all.stream().map(AuditEntry::success).toList());
      assertEquals("secret_value of type api_key must be 10 to 256 characters long, but was 5 characters long",
          all.get(4).reasonOrNull());
      assertNull(all.get(3).secretIdOrNull());
      assertEquals(TestVaults.T0, all.get(0).timestamp());
      assertEquals(2, v.audit(null, 2).size());
      assertEquals("delete", v.audit(null, 2).get(1).action());
      assertEquals(4, v.audit(id, 100).size());
    }
  }

  @Test
  void audit_fileIsPrivateAndNeverHoldsValues() throws Exception {
    assertEquals("rw-------", PosixFilePermissions.toString(Files.getPosixFilePermissions(log)));
    assertFalse(Files.readString(log).contains("audit-secret-value"));
  }

  @Test
  void verifyAudit_untouchedLog_isValid() {
    try (Vault v = open()) {
      assertEquals(new AuditVerification(true, 6, 0, null), v.verifyAudit());
    }
  }

  @Test
  void verifyAudit_editedLine_isDetectedAtNextLine() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.set(2, lines.get(2).replace("\"action\":\"rotate\"", "\"action\":\"retrieve\""));
    Files.write(log, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    try (Vault v = open()) {
      AuditVerification r = v.verifyAudit();
      assertFalse(r.valid());
      assertEquals("line 4: prev_hash does not match the SHA-256 of line 3; a line at or before line 4 was edited,"
          + " inserted or deleted", r.problemOrNull());
    }
  }

  @Test
  void verifyAudit_deletedLine_isDetected() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(1);
    Files.write(log, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    try (Vault v = open()) {
      AuditVerification r = v.verifyAudit();
      assertFalse(r.valid());
      assertEquals("line 2: prev_hash does not match the SHA-256 of line 1; a line at or before line 2 was edited,"
          + " inserted or deleted", r.problemOrNull());
    }
  }

  @Test
  void verifyAudit_firstLineDeleted_isDetected() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(0);
    Files.write(log, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    try (Vault v = open()) {
      assertEquals("line 1: prev_hash does not match the SHA-256 of an empty log; a line at or before line 1 was edited,"
          + " inserted or deleted", v.verifyAudit().problemOrNull());
    }
  }

  @Test
  void append_afterTornLastLine_truncatesItAndChainStaysValid() throws Exception {
    Files.write(log, "{\"timestamp\":1,\"action\":\"retr".getBytes(StandardCharsets.UTF_8), StandardOpenOption.APPEND);
    try (Vault v = open()) {
      v.list();
      AuditVerification r = v.verifyAudit();
      assertTrue(r.valid(), r.problemOrNull());
      assertEquals(7, r.entries());
    }
  }

  @Test
  void audit_limitOutOfRange_isRejected() {
    try (Vault v = open()) {
      SecretValidationException e = assertThrows(SecretValidationException.class, () -> v.audit(null, 0));
      assertEquals("limit must be 1 to 100000, but was 0", e.getMessage());
    }
  }

  @Test
  void verifyAudit_lastLineDeleted_isDetectedByKeyedHead() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.remove(lines.size() - 1);
    Files.write(log, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    try (Vault v = open()) {
      assertEquals(new AuditVerification(false, 5, 0, "the log has 5 lines, but " + log.resolveSibling("audit.head")
          + " vouches for 6: lines were removed from its end"), v.verifyAudit());
    }
  }

  @Test
  void verifyAudit_lineEditedAndChainRecomputed_isDetectedByKeyedHead() throws Exception {
    List<String> lines = new ArrayList<>(Files.readAllLines(log));
    lines.set(1, lines.get(1).replace("\"success\":true", "\"success\":false"));
    String prev = lines.get(0);
    for (int i = 1; i < lines.size(); i++) {
      String hash = HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(prev.getBytes(StandardCharsets.UTF_8)));
      lines.set(i, lines.get(i).replaceFirst("\"prev_hash\":\"[0-9a-f]{64}\"", "\"prev_hash\":\"" + hash + "\""));
      prev = lines.get(i);
    }
    Files.write(log, (String.join("\n", lines) + "\n").getBytes(StandardCharsets.UTF_8));
    try (Vault v = open()) {
      AuditVerification r = v.verifyAudit();
      assertFalse(r.valid());
      assertEquals("line 6 differs from the one " + log.resolveSibling("audit.head") + " vouches for: the log was rewritten"
          + " at or before line 6 (its hash chain was recomputed)", r.problemOrNull());
    }
  }

  @Test
  void verifyAudit_headDeleted_isDetected() throws Exception {
    Files.delete(log.resolveSibling("audit.head"));
    try (Vault v = open()) {
      assertEquals(log.resolveSibling("audit.head") + " is missing although the log holds 4 mutation entries (it was deleted)",
          v.verifyAudit().problemOrNull());
    }
  }
}
