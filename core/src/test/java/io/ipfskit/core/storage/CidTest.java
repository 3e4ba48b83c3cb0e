package io.ipfskit.core.storage;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.nio.charset.StandardCharsets;
import java.util.Optional;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidTest {

  @Test
  void canonical_cidV0_becomesCidV1DagPbWithTheSameMultihash() {
    // The well-known pair (ipfs cid format -v 1 -b base32 QmdfTb...).
    assertEquals(Optional.of("bafybeihdwdcefgh4dqkjv67uzcmw7ojee6xedzdetojuzjevtenxquvyku"),
        Cid.canonical("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n"));
  }

  @Test
  void canonical_cidV1FromTheStore_unchanged() {
    String raw = Cid.of(Cid.RAW, "x".getBytes(StandardCharsets.UTF_8), 1).toString();
    String dagPb = Cid.of(Cid.DAG_PB, "y".getBytes(StandardCharsets.UTF_8), 1).toString();
    assertEquals(Optional.of(raw), Cid.canonical(raw));
    assertEquals(Optional.of(dagPb), Cid.canonical(dagPb));
  }

  @Test
  void canonical_cidV0NormalisedThenParsed_isTheSameCid() {
    String v1 = Cid.canonical("QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n").orElseThrow();
    Cid parsed = Cid.parse(v1);
    assertEquals(Cid.DAG_PB, parsed.codec());
    assertEquals(v1, parsed.toString());
  }

  @ParameterizedTest
  @ValueSource(strings = {"", "bafkreix", "Qm", "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1", // one short
      "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR10", // '0' is not base58
      "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1nn", "zdj7WWeQ43G6JJvLWQWZpyHuAMq6uYWRjkBXFad11vE2LHhQ7",
      "BAFYBEIHDWDCEFGH4DQKJV67UZCMW7OJEE6XEDZDETOJUZJEVTENXQUVYKU", "not a cid at all"})
  void canonical_malformed_empty(String text) {
    assertTrue(Cid.canonical(text).isEmpty(), text);
  }

  @Test
  void fromNodeAnswer_base58btcCidV1_theBase32OfTheSameCid() {
    // js-ipfs 0.66.1 printed both for the content "hello\n".
    assertEquals(Optional.of("bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am"),
        Cid.fromNodeAnswer("zb2rhcc1wJn2GHDLT2YkmPq5b69cXc2xfRZZmyufbjFUfBkxr"));
  }

  @Test
  void fromNodeAnswer_base32AndCidV0_sameAsCanonical() {
    String v0 = "QmdfTbBqBPQ7VNxZEYEj14VmRuZBkqFbiwReogJgS1zR1n";
    assertEquals(Cid.canonical(v0), Cid.fromNodeAnswer(v0));
    String raw = Cid.of(Cid.RAW, "x".getBytes(StandardCharsets.UTF_8), 1).toString();
    assertEquals(Optional.of(raw), Cid.fromNodeAnswer(raw));
  }

  @ParameterizedTest
  @ValueSource(strings = {"z", "z0OIl", "zb2rhcc1wJn2GHDLT2YkmPq5b69cXc2xfRZZmyufbjFUfBkx", "not a cid"})
  void fromNodeAnswer_malformed_empty(String text) {
    assertTrue(Cid.fromNodeAnswer(text).isEmpty(), text);
  }

  @Test
  void canonical_null_empty() {
    assertTrue(Cid.canonical(null).isEmpty());
  }
}
