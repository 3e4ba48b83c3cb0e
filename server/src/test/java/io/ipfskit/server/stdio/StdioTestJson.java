package io.ipfskit.server.stdio;

import tools.jackson.databind.json.JsonMapper;

final class StdioTestJson {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private StdioTestJson() {}

  static int code(String errorResponse) {
    return JSON.readTree(errorResponse).path("error").path("code").asInt();
  }
}
