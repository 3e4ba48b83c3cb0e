package io.ipfskit.server.rest;

import java.util.List;
import java.util.Map;
import java.util.Set;
import tools.jackson.databind.node.ObjectNode;

/**
 * One endpoint: what the router matches, what the handler does, and everything the OpenAPI
 * document says about it. The document is generated from these rows ({@link OpenApiDocument}), so
 * it cannot describe an endpoint that does not exist or miss one that does.
 *
 * @param method the HTTP method, upper case
 * @param pathParameters the schemas of the {@code {name}} segments of {@code path}, in order
 * @param query the query parameters it accepts (any other is refused)
 * @param requestBody the JSON Schema of its JSON request body, or null when it takes none
 * @param response the JSON Schema of its 200 answer
 * @param errors the error codes it may answer with besides 405 (which any path may give)
 * @param extraStatuses other statuses of a successful-or-not answer with the {@code response} body (e.g. 503 of health)
 */
record Route(String method, PathTemplate path, String operationId, String summary, String description,
    List<Param> pathParameters, List<Param> query, ObjectNode requestBody, ObjectNode response, Set<ApiError.Code> errors,
    Map<Integer, String> extraStatuses, Handler handler) {

  Route {
    pathParameters = List.copyOf(pathParameters);
    if (!pathParameters.stream().map(Param::name).toList().equals(path.parameterNames())) {
      throw new IllegalArgumentException("pathParameters must name the {parameters} of " + path.text() + " in order");
    }
    query = List.copyOf(query);
    errors = Set.copyOf(errors);
    extraStatuses = Map.copyOf(extraStatuses);
  }

  /** e.g. {@code GET /api/v0/wal/operations}: how messages name the endpoint. */
  String endpoint() {
    return method + " " + path.text();
  }

  /** A query or path parameter with its JSON Schema (the MCP tool's schema for the same argument). */
  record Param(String name, ObjectNode schema, boolean required) {
    boolean isInteger() {
      return "integer".equals(schema.path("type").asString(""));
    }
  }

  /** What a handler receives: decoded path parameters, typed query parameters, the JSON body (or null). */
  record Call(Map<String, String> pathParameters, Map<String, Object> query, ObjectNode body) {}

  /** A successful (or, for health, 503) answer. */
  record Answer(int status, ObjectNode body) {}

  @FunctionalInterface
  interface Handler {
    Answer handle(Call call);
  }
}
