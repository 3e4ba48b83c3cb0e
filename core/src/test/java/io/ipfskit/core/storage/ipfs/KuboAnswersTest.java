package io.ipfskit.core.storage.ipfs;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;

import java.io.IOException;
import java.io.InputStream;
import java.util.Map;
import java.util.Optional;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import tools.jackson.databind.JsonNode;

/** The answer parser against real answer shapes of Kubo and js-ipfs ({@code ipfs/rpc-answers.json}). */
class KuboAnswersTest {
  private static final String HELLO = "bafkreicysg23kiwv34eg2d7qweipxwosdo2py4ldv42nbauguluen5v6am";
  private static final JsonNode ANSWERS = load();

  private static JsonNode load() {
    try (InputStream in = KuboAnswersTest.class.getResourceAsStream("/ipfs/rpc-answers.json")) {
      return KuboAnswers.JSON.readTree(in);
    } catch (IOException e) {
      throw new AssertionError(e);
    }
  }

  private static String kubo(String name) {
    return ANSWERS.get("kubo").get(name).asString();
  }

  private static String js(String name) {
    return ANSWERS.get("js-ipfs").get(name).asString();
  }

  private static JsonNode tree(String text) throws KuboAnswers.MalformedAnswerException {
    return KuboAnswers.tree("test", text);
  }

  @Nested
  class Kubo {
    @Test
    void add_sizeAsString_cidAndDagSize() throws Exception {
      assertEquals(new KuboAnswers.Added(HELLO, 6), KuboAnswers.add(kubo("add")));
    }

    @Test
    void add_progressLinesFirst_lastHashIsTheRoot() throws Exception {
      assertEquals(new KuboAnswers.Added("bafybeigdyrzt5sfp7udm7hu76uh7y26nf3efuylqabf3oclgtqy55fbzdi", 300119),
          KuboAnswers.add(kubo("add_progress")));
    }

    @Test
    void add_cidV0_normalisedToCidV1Base32DagPb() throws Exception {
      KuboAnswers.Added a = KuboAnswers.add(kubo("add_v0"));
      assertEquals("bafybeidisrp7inqlcm7t3yjfu2tpsztmbwdicqpslm6pqwvdwxhqfspanm".length(), a.cid().length());
      assertEquals("bafybei", a.cid().substring(0, 7));
    }

    @Test
    void pins_keysObjectWithName_recursivePin() throws Exception {
      assertEquals(Map.of(HELLO, "recursive"), KuboAnswers.pins(kubo("pin_ls")));
    }

    @Test
    void pins_streamedLines_recursivePin() throws Exception {
      assertEquals(Map.of(HELLO, "recursive"), KuboAnswers.pins(kubo("pin_ls_stream")));
    }

    @Test
    void pinned_pinAddAnswer_listsTheCid() throws Exception {
      assertEquals(java.util.List.of(HELLO), KuboAnswers.pinned("pin/add", tree(kubo("pin_add"))));
    }

    @Test
    void blockStat_sizeAsNumber_read() throws Exception {
      assertEquals(new IpfsBackend.BlockStat(HELLO, 6), KuboAnswers.blockStat(tree(kubo("block_stat"))));
    }

    @Test
    void id_agentVersionAndPeerId_read() throws Exception {
      assertEquals(new IpfsBackend.NodeId("12D3KooWGzxzKZYveHXtpG6AsrUJBcWxHBFS2HsEoGTxrMLvKXtf", "kubo/0.29.0/"),
          KuboAnswers.id(tree(kubo("id"))));
    }

    @Test
    void version_read() throws Exception {
      assertEquals(new IpfsBackend.NodeVersion("0.29.0", "15", "amd64/linux"), KuboAnswers.version(tree(kubo("version"))));
    }

    @Test
    void repoStat_figuresAsNumbers_read() throws Exception {
      assertEquals(new IpfsBackend.RepoStat(4869, 10_000_000_000L, 9, "/home/user/.ipfs", "fs-repo@15"),
          KuboAnswers.repoStat(tree(kubo("repo_stat"))));
    }

    @Test
    void errorMessage_errorObject_message() {
      assertEquals(Optional.of("not pinned or pinned indirectly"), KuboAnswers.errorMessage(kubo("error_not_pinned")));
    }
  }

  @Nested
  class JsIpfs {
    @Test
    void add_sizeAsNumber_cidAndDagSize() throws Exception {
      assertEquals(new KuboAnswers.Added(HELLO, 6), KuboAnswers.add(js("add")));
    }

    @Test
    void add_base58btcCidV1_normalisedToBase32() throws Exception {
      KuboAnswers.Added a = KuboAnswers.add(js("add_base58"));
      assertEquals(300108, a.dagSize());
      assertEquals("bafybei", a.cid().substring(0, 7)); // dag-pb root of a two-chunk file
    }

    @Test
    void pins_base58btcKey_normalisedToTheBase32OfTheSameCid() throws Exception {
      assertEquals(Map.of(HELLO, "recursive"), KuboAnswers.pins(js("pin_ls")));
    }

    @Test
    void pinned_pinRmAnswerInBase58btc_normalised() throws Exception {
      assertEquals(java.util.List.of(HELLO), KuboAnswers.pinned("pin/rm", tree(js("pin_rm"))));
    }

    @Test
    void blockStat_base58btcKey_normalised() throws Exception {
      assertEquals(new IpfsBackend.BlockStat(HELLO, 6), KuboAnswers.blockStat(tree(js("block_stat"))));
    }

    @Test
    void id_jsIpfsAgent_read() throws Exception {
      assertEquals("js-ipfs/0.18.1", KuboAnswers.id(tree(js("id"))).agentVersion());
    }

    @Test
    void version_withoutSystem_emptySystem() throws Exception {
      assertEquals(new IpfsBackend.NodeVersion("0.18.1", "12", ""), KuboAnswers.version(tree(js("version"))));
    }

    @Test
    void repoStat_figuresAsStrings_read() throws Exception {
      assertEquals(new IpfsBackend.RepoStat(312_442, 9_007_199_254_740_991L, 16, "/tmp/ipfs-try", "12"),
          KuboAnswers.repoStat(tree(js("repo_stat"))));
    }
  }

  @Nested
  class Malformed {
    @Test
    void add_noHash_refusedNamingTheCommand() {
      KuboAnswers.MalformedAnswerException e = assertThrows(KuboAnswers.MalformedAnswerException.class,
          () -> KuboAnswers.add("{\"Name\":\"x\",\"Bytes\":5}\n"));
      assertEquals("add answered without a Hash", e.getMessage());
    }

    @Test
    void add_notJson_refused() {
      KuboAnswers.MalformedAnswerException e = assertThrows(KuboAnswers.MalformedAnswerException.class,
          () -> KuboAnswers.add("<html>gateway</html>"));
      assertEquals("add answered something that is not JSON", e.getMessage());
    }

    @Test
    void blockStat_negativeOrFractionalSize_refusedNamingTheField() {
      for (String size : new String[] {"-1", "1.5", "\"12a\"", "\"\""}) {
        KuboAnswers.MalformedAnswerException e = assertThrows(KuboAnswers.MalformedAnswerException.class,
            () -> KuboAnswers.blockStat(tree("{\"Key\":\"" + HELLO + "\",\"Size\":" + size + "}")));
        assertEquals("block/stat answered Size that is not a non-negative integer (as a number or a string of digits)",
            e.getMessage());
      }
    }

    @Test
    void add_hashNotACid_refusedWithoutRepeatingIt() {
      KuboAnswers.MalformedAnswerException e = assertThrows(KuboAnswers.MalformedAnswerException.class,
          () -> KuboAnswers.add("{\"Hash\":\"secret-looking-text\",\"Size\":1}"));
      assertEquals(false, e.getMessage().contains("secret-looking-text"), e.getMessage());
    }

    @Test
    void errorMessage_htmlBody_empty() {
      assertEquals(Optional.empty(), KuboAnswers.errorMessage("<html><body>{oops}</body></html>"));
    }
  }
}
