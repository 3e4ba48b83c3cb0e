package io.ipfskit.server.rest;

import io.ipfskit.server.wal.OperationJson;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * Writes the OpenAPI 3.1 document from the route table, so the document and the router cannot
 * drift: every row becomes one operation with its parameters, request body, 200 answer and one
 * answer per error status it may give. Schemas are inline JSON Schema 2020-12 (OpenAPI 3.1's
 * dialect), each error answer's {@code code} limited to the codes that status carries for that
 * route, so a client (or a test) can validate any answer against the operation's own schema.
 */
final class OpenApiDocument {
  private OpenApiDocument() {}

  static ObjectNode build(List<Route> routes, String version) {
    ObjectNode doc = OperationJson.MAPPER.createObjectNode();
    doc.put("openapi", "3.1.0");
    ObjectNode info = doc.putObject("info");
    info.put("title", "ipfs-kit REST API");
    info.put("version", version);
    info.put("description", "The write-ahead log and server health over HTTP, with the same argument names, rules "
        + "and JSON as the MCP tools (wal_list_operations, wal_get_operation, ...). Every request needs the bearer "
        + "token the server printed at start. Errors answer {\"error\": {\"code\", \"message\", \"field\"?}}; a path "
        + "that exists answers 405 (code method_not_allowed, with an Allow header) to any other method, and an "
        + "unknown path 404 (code not_found).");
    doc.putObject("components").putObject("securitySchemes").putObject("bearer")
        .put("type", "http").put("scheme", "bearer")
        .put("description", "The token printed at start, or IPFS_KIT_HTTP_TOKEN");
    ((ObjectNode) doc.path("components")).putObject("schemas").set("Error", errorSchema(Arrays.asList(ApiError.Code.values())));
    doc.putArray("security").addObject().putArray("bearer");

    ObjectNode paths = doc.putObject("paths");
    for (Route r : routes) {
      ObjectNode item = paths.has(r.path().text()) ? (ObjectNode) paths.get(r.path().text())
          : paths.putObject(r.path().text());
      item.set(r.method().toLowerCase(java.util.Locale.ROOT), operation(r));
    }
    return doc;
  }

  private static ObjectNode operation(Route r) {
    ObjectNode op = OperationJson.MAPPER.createObjectNode();
    op.put("operationId", r.operationId());
    op.put("summary", r.summary());
    op.put("description", r.description());
    op.putArray("tags").add(r.path().text().startsWith("/api/v0/wal/") ? "wal" : "server");
    ArrayNode params = OperationJson.MAPPER.createArrayNode();
    for (Route.Param p : r.pathParameters()) {
      params.addObject().put("name", p.name()).put("in", "path").put("required", true).set("schema", p.schema());
    }
    for (Route.Param p : r.query()) {
      ObjectNode n = params.addObject().put("name", p.name()).put("in", "query").put("required", p.required());
      if (p.schema().has("description")) n.put("description", p.schema().path("description").asString());
      n.set("schema", p.schema());
    }
    if (!params.isEmpty()) op.set("parameters", params);
    if (r.requestBody() != null) {
      ObjectNode body = op.putObject("requestBody");
      body.put("required", true);
      body.putObject("content").putObject("application/json").set("schema", r.requestBody());
    }
    ObjectNode responses = op.putObject("responses");
    responses.set("200", json("OK", r.response()));
    r.extraStatuses().forEach((status, description) -> responses.set(status.toString(), json(description, r.response())));
    Map<Integer, List<ApiError.Code>> byStatus = new TreeMap<>();
    for (ApiError.Code c : ApiError.Code.values()) {
      if (r.errors().contains(c)) byStatus.computeIfAbsent(c.status, s -> new ArrayList<>()).add(c);
    }
    byStatus.forEach((status, codes) -> {
      ObjectNode existing = (ObjectNode) responses.get(status.toString());
      String description = String.join(", ", codes.stream().map(ApiError.Code::wireName).toList());
      if (existing != null) {
        // the same status also carries the route's normal body (health's 503): either shape
        ObjectNode either = OperationJson.MAPPER.createObjectNode();
        either.putArray("oneOf").add(existing.path("content").path("application/json").path("schema"))
            .add(errorSchema(codes));
        responses.set(status.toString(), json(existing.path("description").asString() + "; or an error: "
            + description, either));
      } else {
        responses.set(status.toString(), json("Error: " + description, errorSchema(codes)));
      }
    });
    return op;
  }

  private static ObjectNode json(String description, tools.jackson.databind.JsonNode schema) {
    ObjectNode resp = OperationJson.MAPPER.createObjectNode();
    resp.put("description", description);
    resp.putObject("content").putObject("application/json").set("schema", schema);
    return resp;
  }

  /** {@code {"error": {"code", "message", "field"?}}} with {@code code} one of {@code codes}. */
  static ObjectNode errorSchema(List<ApiError.Code> codes) {
    ObjectNode s = OperationJson.MAPPER.createObjectNode();
    s.put("type", "object");
    s.putArray("required").add("error");
    s.put("additionalProperties", false);
    ObjectNode e = s.putObject("properties").putObject("error");
    e.put("type", "object");
    e.putArray("required").add("code").add("message");
    e.put("additionalProperties", false);
    ObjectNode p = e.putObject("properties");
    ArrayNode en = p.putObject("code").put("type", "string").putArray("enum");
    codes.forEach(c -> en.add(c.wireName()));
    p.putObject("message").put("type", "string").put("description", "What is wrong: names the field and the rule");
    p.putObject("field").put("type", "string").put("description", "The parameter or body field at fault, when one is");
    return s;
  }
}
