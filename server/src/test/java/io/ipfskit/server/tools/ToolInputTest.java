package io.ipfskit.server.tools;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class ToolInputTest {

  private final ToolInput input = ToolInput.of("demo",
      Param.string("name", "a name").required().length(1, 5),
      Param.string("kind", "a kind").oneOf(List.of("a", "b")).defaultValue("a"),
      Param.integer("count", "a count").range(1, 10),
      Param.bool("flag", "a flag").defaultValue(false));

  @Test
  void schema_declaresTypesBoundsRequiredAndNoExtraProperties() {
    Map<String, Object> schema = input.schema();
    assertEquals("object", schema.get("type"));
    assertEquals(List.of("name"), schema.get("required"));
    assertEquals(false, schema.get("additionalProperties"));
    @SuppressWarnings("unchecked")
    Map<String, Map<String, Object>> properties = (Map<String, Map<String, Object>>) schema.get("properties");
    assertEquals(5, properties.get("name").get("maxLength"));
    assertEquals(10L, properties.get("count").get("maximum"));
    assertEquals("a", properties.get("kind").get("default"));
  }

  @Test
  void parse_validArguments_appliesDefaults() {
    ToolInput.Arguments args = input.parse(Map.of("name", "abc", "count", 3));
    assertEquals("abc", args.string("name"));
    assertEquals("a", args.string("kind"));
    assertEquals(3L, args.optionalInteger("count").orElseThrow());
    assertEquals(false, args.bool("flag"));
  }

  @Test
  void parse_integralDouble_isAcceptedAsInteger() {
    assertEquals(4L, input.parse(Map.of("name", "abc", "count", 4.0)).optionalInteger("count").orElseThrow());
  }

  @Test
  void parse_nullArguments_reportsTheMissingRequiredOne() {
    assertEquals("missing required argument 'name' (a name)",
        assertThrows(InvalidArgumentException.class, () -> input.parse(null)).getMessage());
  }

  @Test
  void parse_tooLongString_namesLengthsNotTheValue() {
    assertEquals("'name' must be 1 to 5 characters long, but was 6 characters long",
        assertThrows(InvalidArgumentException.class, () -> input.parse(Map.of("name", "sixsix"))).getMessage());
  }

  @Test
  void parse_fractionalNumber_isRejected() {
    assertEquals("'count' must be a whole number, but was a fractional number",
        assertThrows(InvalidArgumentException.class, () -> input.parse(Map.of("name", "a", "count", 1.5))).getMessage());
  }

  @Test
  void parse_explicitNull_isAWrongTypeNotAnAbsence() {
    Map<String, Object> args = new HashMap<>();
    args.put("name", "a");
    args.put("count", null);
    assertEquals("'count' must be an integer, but was null",
        assertThrows(InvalidArgumentException.class, () -> input.parse(args)).getMessage());
  }

  @Test
  void parse_unknownArgument_listsTheAcceptedOnes() {
    assertEquals("demo has no argument 'colour'; it accepts name, kind, count, flag",
        assertThrows(InvalidArgumentException.class, () -> input.parse(Map.of("name", "a", "colour", "red"))).getMessage());
  }

  @Test
  void parse_valueOutsideEnum_doesNotEchoIt() {
    assertEquals("'kind' must be one of a, b, but was another 6-character string",
        assertThrows(InvalidArgumentException.class, () -> input.parse(Map.of("name", "a", "kind", "hidden"))).getMessage());
  }

  @Test
  void defaultValue_onRequiredParam_isIllegalState() {
    assertThrows(IllegalStateException.class, () -> Param.string("x", "x").required().defaultValue("y"));
  }
}
