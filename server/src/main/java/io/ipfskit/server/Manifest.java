package io.ipfskit.server;

import io.modelcontextprotocol.json.McpJsonDefaults;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.ListToolsResult;
import java.util.List;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.ArrayNode;
import tools.jackson.databind.node.ObjectNode;

/**
 * The two files of {@code tools-manifest/}: {@code tools.json}, the {@code tools/list} result
 * serialised by the SDK's own mapper (so it is byte-for-byte what a client receives, pretty
 * printed), and {@code server.json}, the MCP registry entry (schema 2025-12-11).
 */
public final class Manifest {

  public static final String SERVER_NAME = "io.ipfskit/ipfs-kit";
  public static final String REGISTRY_SCHEMA =
      "https://static.modelcontextprotocol.io/schemas/2025-12-11/server.schema.json";

  private static final JsonMapper JSON = JsonMapper.builder().build();

  private Manifest() {}

  /** Pretty JSON of what {@code tools/list} returns for {@code tools}, with a trailing newline. */
  public static String toolsJson(List<SyncToolSpecification> tools) {
    String wire;
    try {
      wire = McpJsonDefaults.getMapper().writeValueAsString(
          new ListToolsResult(tools.stream().map(SyncToolSpecification::tool).toList(), null));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("cannot serialise the tool list: " + e.getMessage(), e);
    }
    return pretty(JSON.readTree(wire));
  }

  /** The registry entry for this build's version, with a trailing newline. */
  public static String serverJson(String version) {
    ObjectNode server = JSON.createObjectNode();
    server.put("$schema", REGISTRY_SCHEMA);
    server.put("name", SERVER_NAME);
    server.put("title", "ipfs-kit");
    server.put("description", "Encrypted secrets vault and durable storage operations for agents, over MCP stdio.");
    server.put("version", version);
    ObjectNode pkg = server.putArray("packages").addObject();
    // The registry has no package type for a plain jar yet; this entry documents how the jar runs
    // (java -jar ipfs-kit.jar serve). Publishing needs an OCI image or an MCPB bundle.
    pkg.put("registryType", "mcpb");
    pkg.put("identifier", "ipfs-kit.jar");
    pkg.put("version", version);
    pkg.put("runtimeHint", "java");
    ArrayNode runtimeArguments = pkg.putArray("runtimeArguments");
    runtimeArguments.addObject().put("type", "positional").put("value", "-jar");
    runtimeArguments.addObject().put("type", "positional").put("valueHint", "jar_path").put("format", "filepath")
        .put("description", "Path to ipfs-kit.jar (mvn -B -q package -DskipTests builds server/target/ipfs-kit.jar)");
    pkg.putArray("packageArguments").addObject().put("type", "positional").put("value", "serve");
    pkg.putObject("transport").put("type", "stdio");
    ArrayNode env = pkg.putArray("environmentVariables");
    env.addObject().put("name", "IPFS_KIT_HOME").put("description", "Data directory (default ~/.ipfs_kit)")
        .put("format", "filepath").put("isRequired", false);
    env.addObject().put("name", "IPFS_KIT_MASTER_PASSWORD_FILE")
        .put("description", "File holding the vault master password; without one a random key file is used")
        .put("format", "filepath").put("isRequired", false);
    env.addObject().put("name", "IPFS_KIT_MASTER_PASSWORD").put("description", "Vault master password")
        .put("isSecret", true).put("isRequired", false);
    env.addObject().put("name", "IPFS_KIT_IPFS_API")
        .put("description", "An IPFS node's Kubo RPC API (e.g. http://127.0.0.1:5001); unset = the ipfs backend is off")
        .put("isRequired", false);
    return pretty(server);
  }

  private static String pretty(JsonNode node) {
    return JSON.writerWithDefaultPrettyPrinter().writeValueAsString(node) + "\n";
  }
}
