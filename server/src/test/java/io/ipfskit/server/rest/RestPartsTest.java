package io.ipfskit.server.rest;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.core.wal.ArchiveFailedClosedException;
import io.ipfskit.core.wal.BackendNotConfiguredException;
import io.ipfskit.core.wal.IllegalTransitionException;
import io.ipfskit.core.wal.InvalidOperationException;
import io.ipfskit.core.wal.LogFailedClosedException;
import io.ipfskit.core.wal.OperationNotFoundException;
import io.ipfskit.core.wal.OperationStatus;
import io.ipfskit.server.wal.OperationJson;
import io.ipfskit.server.wal.WalCallException;
import java.io.IOException;
import java.math.BigInteger;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.node.ObjectNode;

/** The router's package-private parts alone: path templates, the query string parser, the error mapping. */
class RestPartsTest {

  @Nested
  class PathTemplates {
    private final PathTemplate retry = PathTemplate.parse("/api/v0/wal/operations/{operation_id}/retry");

    @Test
    void match_parameterSegment_decodedOnceWithPlusKept() {
      assertEquals(Optional.of(Map.of("operation_id", "a b+c")), retry.match("/api/v0/wal/operations/a%20b+c/retry"));
    }

    @Test
    void match_otherShapes_empty() {
      assertEquals(Optional.empty(), retry.match("/api/v0/wal/operations//retry"));
      assertEquals(Optional.empty(), retry.match("/api/v0/wal/operations/x/retry/"));
      assertEquals(Optional.empty(), retry.match("/api/v0/wal/operations/x"));
      assertEquals(Optional.empty(), retry.match("api/v0/wal/operations/x/retry"));
    }

    @Test
    void match_badPercentEncoding_invalidArgumentNamingTheParameter() {
      ApiError.Failure f = assertThrows(ApiError.Failure.class, () -> retry.match("/api/v0/wal/operations/%zz/retry"));
      assertEquals("operation_id is not valid percent-encoding", f.error.message());
      assertEquals(400, f.error.status());
    }

    @Test
    void parse_emptySegmentOrTrailingSlash_refused() {
      assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/api//x"));
      assertThrows(IllegalArgumentException.class, () -> PathTemplate.parse("/api/x/"));
      assertEquals(List.of("operation_id"), retry.parameterNames());
    }
  }

  @Nested
  class QueryStrings {
    private final List<Route.Param> declared = List.of(
        new Route.Param("limit", (ObjectNode) OperationJson.MAPPER.createObjectNode().put("type", "integer"), false),
        new Route.Param("backend", (ObjectNode) OperationJson.MAPPER.createObjectNode().put("type", "string"), false));

    @Test
    void parse_integerAndString_typed() {
      assertEquals(Map.of("limit", 5L, "backend", "s3"), QueryString.parse("limit=5&&backend=s3&", declared, "GET /x"));
      assertEquals(Map.of(), QueryString.parse(null, declared, "GET /x"));
    }

    @Test
    void parse_hugeInteger_staysANumberForTheBoundsCheck() {
      assertEquals(Map.of("limit", new BigInteger("123456789012345678901234")),
          QueryString.parse("limit=123456789012345678901234", declared, "GET /x"));
    }

    @Test
    void parse_nameWithoutValue_isTheEmptyString() {
      assertEquals(Map.of("backend", ""), QueryString.parse("backend", declared, "GET /x"));
    }

    @Test
    void parse_longUnknownName_shownCut() {
      String name = "n".repeat(100);
      ApiError.Failure f = assertThrows(ApiError.Failure.class, () -> QueryString.parse(name + "=1", declared, "GET /x"));
      assertEquals("n".repeat(64) + "… is not a parameter of GET /x; it accepts limit, backend", f.error.message());
    }
  }

  @Nested
  class Errors {
    @Test
    void of_everyWalKind_hasItsStatusAndCode() {
      assertEquals(new ApiError(ApiError.Code.INVALID_ARGUMENT, "limit must be between 1 and 1000", "limit"),
          ApiError.of(new InvalidOperationException("limit", "must be between 1 and 1000")));
      assertEquals(404, ApiError.of(new OperationNotFoundException("x")).status());
      assertEquals(409, ApiError.of(new IllegalTransitionException("x", OperationStatus.COMPLETED,
          OperationStatus.PENDING, "a completed operation cannot be retried")).status());
      assertEquals(ApiError.Code.BACKEND_NOT_CONFIGURED,
          ApiError.of(new BackendNotConfiguredException("s3", Set.of("local"))).code());
      assertEquals(ApiError.Code.LOG_FAILED_CLOSED,
          ApiError.of(new LogFailedClosedException("fsync failed", new IOException("EIO"))).code());
      assertEquals(503, ApiError.of(new ArchiveFailedClosedException("write failed", new IOException("EIO"))).status());
      // (a new WalException kind fails to compile in ApiError.of: its switch has no default)
    }

    @Test
    void of_unreachableLog_503_internal_500_unknown_null() {
      assertEquals(503, ApiError.of(new WalCallException(WalCallException.Kind.UNAVAILABLE, "no owner answers")).status());
      assertEquals(500, ApiError.of(new WalCallException(WalCallException.Kind.INTERNAL, "disk")).status());
      assertNull(ApiError.of(new IllegalStateException("bug")));
    }

    @Test
    void toJson_fieldOnlyWhenKnown() {
      assertEquals("{\"error\":{\"code\":\"operation_not_found\",\"message\":\"m\"}}",
          new ApiError(ApiError.Code.OPERATION_NOT_FOUND, "m", null).toJson().toString());
      assertTrue(ApiError.invalid("limit", "must be an integer").toJson().toString().contains("\"field\":\"limit\""));
    }
  }
}
