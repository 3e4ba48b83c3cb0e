package io.ipfskit.core.storage.ipfs;

import io.ipfskit.core.storage.Cid;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import tools.jackson.core.JacksonException;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/**
 * Reads the JSON answers of the Kubo RPC API, in both shapes real nodes give: Kubo writes {@code
 * Size} of {@code add} as a string and {@code repo/stat} figures as numbers, js-ipfs the other way
 * round (and may print any figure either way after an upgrade), so every figure is accepted as a
 * JSON number or a string of decimal digits. CIDs come in base32 ({@code bafy...}), base58btc
 * CIDv1 ({@code z...}) or CIDv0 ({@code Qm...}) and are normalised to CIDv1 base32.
 *
 * <p>Stateless. An answer that does not have the expected shape is a {@link MalformedAnswerException}
 * naming the command and the field; the answer text itself is never repeated (it may be large).
 */
final class KuboAnswers {
  static final JsonMapper JSON = JsonMapper.builder().build();

  private KuboAnswers() {}

  /** An answer that is not what the command documents. */
  static final class MalformedAnswerException extends Exception {
    private static final long serialVersionUID = 1L;

    MalformedAnswerException(String message) {
      super(message);
    }
  }

  /** The last entry of an {@code add} answer: the root's CID and its DAG size (blocks, not content bytes). */
  record Added(String cid, long dagSize) {}

  /**
   * The root of an {@code add} answer: newline-delimited JSON objects, progress lines ({@code
   * Bytes} without {@code Hash}) skipped; the last object with a {@code Hash} is the root (a single
   * file without {@code wrap-with-directory} gives exactly one).
   */
  static Added add(String ndjson) throws MalformedAnswerException {
    Added last = null;
    for (String line : ndjson.split("\n")) {
      if (line.isBlank()) continue;
      JsonNode n = tree("add", line);
      if (!n.has("Hash")) continue;
      last = new Added(cid("add", n, "Hash"), n.has("Size") ? number("add", n, "Size") : -1);
    }
    if (last == null) throw new MalformedAnswerException("add answered without a Hash");
    return last;
  }

  /**
   * The recursive and direct pins of a {@code pin/ls} answer by CID (base32) and type: Kubo and
   * js-ipfs write {@code {"Keys": {"<cid>": {"Type": "recursive"}}}}; with {@code stream=true} each
   * line is {@code {"Cid": "<cid>", "Type": "recursive"}}.
   */
  static Map<String, String> pins(String answer) throws MalformedAnswerException {
    Map<String, String> out = new LinkedHashMap<>();
    for (String line : answer.split("\n")) {
      if (line.isBlank()) continue;
      JsonNode n = tree("pin/ls", line);
      JsonNode keys = n.get("Keys");
      if (keys != null && keys.isObject()) {
        for (Map.Entry<String, JsonNode> e : keys.properties()) {
          out.put(normalise("pin/ls", "Keys", e.getKey()), e.getValue().path("Type").asString(""));
        }
      } else if (n.has("Cid")) {
        out.put(cid("pin/ls", n, "Cid"), n.path("Type").asString(""));
      } else if (keys == null || !keys.isNull()) {
        throw new MalformedAnswerException("pin/ls answered without Keys");
      }
    }
    return out;
  }

  /** The CIDs a {@code pin/add} or {@code pin/rm} answer lists ({@code {"Pins": [...]}}). */
  static java.util.List<String> pinned(String command, JsonNode n) throws MalformedAnswerException {
    JsonNode pins = n.get("Pins");
    if (pins == null || !pins.isArray()) throw new MalformedAnswerException(command + " answered without Pins");
    java.util.List<String> out = new java.util.ArrayList<>();
    for (JsonNode p : pins) {
      if (!p.isString()) throw new MalformedAnswerException(command + " answered a Pins entry that is not text");
      out.add(normalise(command, "Pins", p.asString()));
    }
    return out;
  }

  /** {@code block/stat}: {@code {"Key": "<cid>", "Size": 262144}}. */
  static IpfsBackend.BlockStat blockStat(JsonNode n) throws MalformedAnswerException {
    return new IpfsBackend.BlockStat(cid("block/stat", n, "Key"), number("block/stat", n, "Size"));
  }

  /** {@code id}: {@code {"ID": "12D3...", "AgentVersion": "kubo/0.29.0/", ...}}. */
  static IpfsBackend.NodeId id(JsonNode n) throws MalformedAnswerException {
    return new IpfsBackend.NodeId(text("id", n, "ID"), n.path("AgentVersion").asString(""));
  }

  /** {@code version}: {@code {"Version": "0.29.0", "Commit": "", "Repo": "15", "System": "amd64/linux", ...}}. */
  static IpfsBackend.NodeVersion version(JsonNode n) throws MalformedAnswerException {
    return new IpfsBackend.NodeVersion(text("version", n, "Version"), scalarText(n.get("Repo")),
        scalarText(n.get("System")));
  }

  /** {@code repo/stat}: {@code RepoSize}, {@code StorageMax}, {@code NumObjects} (numbers or strings). */
  static IpfsBackend.RepoStat repoStat(JsonNode n) throws MalformedAnswerException {
    return new IpfsBackend.RepoStat(number("repo/stat", n, "RepoSize"),
        n.has("StorageMax") ? number("repo/stat", n, "StorageMax") : -1, number("repo/stat", n, "NumObjects"),
        scalarText(n.get("RepoPath")), scalarText(n.get("Version")));
  }

  /**
   * The {@code Message} of an error answer ({@code {"Message": "...", "Code": 0, "Type": "error"}}),
   * else the body itself when it is short plain text (some proxies), else empty.
   */
  static Optional<String> errorMessage(String body) {
    if (body == null || body.isBlank()) return Optional.empty();
    try {
      JsonNode n = JSON.readTree(body);
      if (n != null && n.path("Message").isString()) return Optional.of(n.get("Message").asString());
    } catch (JacksonException notJson) {
      // fall through: plain text
    }
    String t = body.strip();
    return t.length() <= 300 && t.indexOf('{') < 0 ? Optional.of(t) : Optional.empty();
  }

  static JsonNode tree(String command, String text) throws MalformedAnswerException {
    try {
      JsonNode n = JSON.readTree(text);
      if (n == null || !n.isObject()) throw new MalformedAnswerException(command + " answered something that is not a JSON object");
      return n;
    } catch (JacksonException e) {
      throw new MalformedAnswerException(command + " answered something that is not JSON");
    }
  }

  /** A figure written as a JSON number or as a string of decimal digits (both shapes occur). */
  static long number(String command, JsonNode n, String field) throws MalformedAnswerException {
    JsonNode v = n.get(field);
    if (v != null && v.isIntegralNumber() && v.canConvertToLong() && v.asLong() >= 0) return v.asLong();
    if (v != null && v.isString() && v.asString().matches("[0-9]{1,19}")) {
      try {
        return Long.parseLong(v.asString());
      } catch (NumberFormatException tooLarge) {
        // falls through to the error
      }
    }
    throw new MalformedAnswerException(command + " answered " + field
        + (v == null ? " missing" : " that is not a non-negative integer (as a number or a string of digits)"));
  }

  private static String cid(String command, JsonNode n, String field) throws MalformedAnswerException {
    JsonNode v = n.get(field);
    if (v == null || !v.isString()) throw new MalformedAnswerException(command + " answered without " + field);
    return normalise(command, field, v.asString());
  }

  /** A CID from a node in the form this project uses (CIDv1 base32). */
  static String normalise(String command, String field, String cid) throws MalformedAnswerException {
    return Cid.fromNodeAnswer(cid).orElseThrow(() -> new MalformedAnswerException(command + " answered a " + field
        + " that is not a CID this project reads (" + Cid.ACCEPTED_RULE.replaceFirst("^must be ", "") + ")"));
  }

  private static String text(String command, JsonNode n, String field) throws MalformedAnswerException {
    JsonNode v = n.get(field);
    if (v == null || !v.isString()) throw new MalformedAnswerException(command + " answered without " + field);
    return v.asString();
  }

  private static String scalarText(JsonNode v) {
    return v == null || v.isNull() || v.isContainer() ? "" : v.asString();
  }
}
