package io.ipfskit.core.wal;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.nio.file.Files;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

class NewOperationTest {
  @TempDir Path tmp;

  private static ObjectNode obj() {
    return JsonNodeFactory.instance.objectNode();
  }

  private static String error(OperationType t, ObjectNode p) {
    return assertThrows(IllegalArgumentException.class, () -> new NewOperation(t, "local", p)).getMessage();
  }

  @ParameterizedTest
  @EnumSource(value = OperationType.class, names = {"PIN", "UNPIN", "RM", "GET", "CAT"})
  void constructor_cidMissing_namesFieldAndType(OperationType t) {
    assertEquals("params.cid is required for operation_type '" + t.wireName() + "'", error(t, obj()));
  }

  @Test
  void constructor_addWithNeitherOrBoth_isRejected() throws Exception {
    assertEquals("params.path or params.content is required for operation_type 'add'", error(OperationType.ADD, obj()));
    ObjectNode both = obj().put("path", tmp.resolve("f.txt").toString()).put("content", "x");
    assertEquals("params.path and params.content are mutually exclusive for operation_type 'add'; give exactly one",
        error(OperationType.ADD, both));
  }

  @Test
  void constructor_pathOrDestinationWithoutGrant_isRejectedWithoutTouchingTheFile() {
    String missing = tmp.resolve("missing.bin").toString();
    assertEquals("params.file_access is required with params.path (the tool edge records it after checking the"
        + " path against the allowed roots)", error(OperationType.ADD, obj().put("path", missing)));
    assertEquals("params.file_access is required with params.destination (the tool edge records it after checking"
        + " the path against the allowed roots)", error(OperationType.GET, obj().put("cid", "bafy")
            .put("destination", missing)));
  }

  @Test
  void constructor_grantOfTheWrongShape_namesTheFieldAndTheRule() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Path f = Files.writeString(root.resolve("f.txt"), "x");
    Path home = tmp.resolve("home");
    // A read grant where a write grant belongs (and the reverse) is refused by shape.
    ObjectNode readGrant = WalTests.withReadGrant(obj(), f, root, home);
    assertEquals("params.file_access.overwrite must be a boolean", error(OperationType.GET,
        obj().put("cid", "bafy").put("destination", f.toString()).set(NewOperation.FILE_ACCESS,
            readGrant.get(NewOperation.FILE_ACCESS))));
    ObjectNode bad = obj().put("path", f.toString());
    bad.set(NewOperation.FILE_ACCESS, obj().put("argument", "params.path").put("file", "relative")
        .put("anchor", root.toString()));
    assertEquals("params.file_access.file must be an absolute path", error(OperationType.ADD, bad));
  }

  @Test
  void constructor_grantWithoutAPath_isRejected() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Path f = Files.writeString(root.resolve("f.txt"), "x");
    ObjectNode granted = WalTests.withReadGrant(obj(), f, root, tmp.resolve("home"));
    ObjectNode pin = obj().put("cid", "bafy");
    pin.set(NewOperation.FILE_ACCESS, granted.get(NewOperation.FILE_ACCESS));
    assertEquals("params.file_access is only recorded with params.path or params.destination, not for"
        + " operation_type 'pin'", error(OperationType.PIN, pin));
  }

  @Test
  void constructor_pathWithItsGrant_isAcceptedAsGiven() throws Exception {
    Path root = Files.createDirectory(tmp.resolve("root"));
    Path f = Files.writeString(root.resolve("f.txt"), "x");
    ObjectNode p = WalTests.withReadGrant(obj(), f, root, tmp.resolve("home"));
    assertEquals(p, new NewOperation(OperationType.ADD, "local", p).parameters());
  }

  @Test
  void constructor_contentNotAString_isRejected() {
    assertEquals("params.content must be a string, but was number 5",
        error(OperationType.ADD, obj().put("content", 5)));
  }

  @Test
  void constructor_priorityOutOfRange_isRejected() {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
        () -> new NewOperation(OperationType.PIN, "local", obj().put("cid", "bafy"), 11));
    assertEquals("priority must be between 1 and 10, but was 11", e.getMessage());
  }

  @Test
  void constructor_unsupportedType_listsSupported() {
    assertEquals("operation_type 'mkdir' is not supported; supported: [add, get, pin, unpin, rm, cat]",
        error(OperationType.MKDIR, obj()));
  }

  @Test
  void parameters_mutatedByCaller_doNotChangeTheOperation() {
    ObjectNode p = obj().put("cid", "bafy");
    NewOperation op = new NewOperation(OperationType.PIN, "local", p);
    p.put("cid", "changed");
    op.parameters().put("cid", "changed too");
    assertEquals("bafy", op.parameters().get("cid").asString());
    assertEquals(NewOperation.DEFAULT_PRIORITY, op.priority());
  }
}
