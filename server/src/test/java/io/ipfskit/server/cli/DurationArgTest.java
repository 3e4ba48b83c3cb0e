package io.ipfskit.server.cli;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.time.Duration;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class DurationArgTest {
  @ParameterizedTest
  @CsvSource({"90,PT1M30S", "30s,PT30S", "5m,PT5M", "24h,PT24H", "7d,PT168H", "250ms,PT0.25S", "1.5h,PT1H30M", "PT2H,PT2H"})
  void parse_supportedForms_duration(String text, String iso) {
    assertEquals(Duration.parse(iso), DurationArg.parse("--window", text));
  }

  @ParameterizedTest
  @ValueSource(strings = {"0", "0s", "-5m", "soon", "5 parsecs", ""})
  void parse_zeroNegativeOrGarbage_messageNamesOptionAndValue(String text) {
    IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> DurationArg.parse("--window", text));
    assertEquals("--window must be a positive duration like 30s, 5m, 24h or 7d, but was '" + text + "'", e.getMessage());
  }
}
