package io.ipfskit.core.secrets;

import java.math.BigDecimal;
import java.math.RoundingMode;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import tools.jackson.core.JacksonException;
import tools.jackson.core.StreamWriteFeature;
import tools.jackson.core.TokenStreamLocation;
import tools.jackson.databind.DeserializationFeature;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.SerializationFeature;
import tools.jackson.databind.json.JsonMapper;
import tools.jackson.databind.node.JsonNodeFactory;
import tools.jackson.databind.node.ObjectNode;

/** JSON of the store files: the mapper, float epoch seconds (the reference's time format), parsing. */
final class StoreJson {
  // floats are read as BigDecimal so that epoch seconds are rewritten as the plain decimals they were
  static final JsonMapper MAPPER = JsonMapper.builder()
      .enable(SerializationFeature.INDENT_OUTPUT)
      .enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS)
      .enable(StreamWriteFeature.WRITE_BIGDECIMAL_AS_PLAIN)
      .build();
  static final JsonMapper COMPACT = JsonMapper.builder().enable(DeserializationFeature.USE_BIG_DECIMAL_FOR_FLOATS).build();
  static final JsonNodeFactory NODES = JsonNodeFactory.instance;

  private StoreJson() {}

  /** Parses a store file; damage (e.g. truncation) is a {@link VaultCryptoException} naming file and position. */
  static ObjectNode parseObject(Path file, byte[] bytes) {
    JsonNode node;
    try {
      node = MAPPER.readTree(bytes);
    } catch (JacksonException e) {
      TokenStreamLocation loc = e.getLocation();
      String where = loc == null ? "" : " at line " + loc.getLineNr() + ", column " + loc.getColumnNr();
      throw new VaultCryptoException(file + " is not valid JSON" + where + " (" + bytes.length
          + " bytes; truncated or damaged). Nothing was changed; restore it from a backup-* directory or a copy");
    }
    if (node == null || node.isMissingNode() || node.isNull()) {
      throw new VaultCryptoException(file + " is empty (" + bytes.length + " bytes; truncated). Nothing was changed; restore it from a backup");
    }
    if (!node.isObject()) {
      throw new VaultCryptoException(file + " must hold a JSON object, but holds a " + node.getNodeType());
    }
    return (ObjectNode) node;
  }

  static byte[] write(ObjectNode root) {
    return MAPPER.writeValueAsBytes(root);
  }

  /** Epoch seconds with microsecond precision, written as a plain decimal like Python's time.time(). */
  static JsonNode epoch(Instant t) {
    BigDecimal micros = BigDecimal.valueOf(t.getEpochSecond()).movePointRight(6).add(BigDecimal.valueOf(t.getNano() / 1000));
    return NODES.numberNode(micros.movePointLeft(6).setScale(6, RoundingMode.UNNECESSARY));
  }

  static Instant instant(JsonNode n) {
    BigDecimal seconds = n.decimalValue();
    BigDecimal micros = seconds.movePointRight(6).setScale(0, RoundingMode.HALF_EVEN);
    long m = micros.longValueExact();
    return Instant.ofEpochSecond(Math.floorDiv(m, 1_000_000L), Math.floorMod(m, 1_000_000L) * 1000L);
  }

  static JsonNode seconds(Duration d) {
    if (d.getNano() == 0) {
      return NODES.numberNode(d.getSeconds());
    }
    return NODES.numberNode(new BigDecimal(d.getSeconds()).add(BigDecimal.valueOf(d.getNano(), 9)).stripTrailingZeros());
  }

  static Duration duration(JsonNode n) {
    BigDecimal s = n.decimalValue();
    BigDecimal nanos = s.movePointRight(9).setScale(0, RoundingMode.HALF_EVEN);
    return Duration.ofNanos(nanos.longValueExact());
  }
}
