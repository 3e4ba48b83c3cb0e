package io.ipfskit.server.content;

import static java.util.Objects.requireNonNull;

import java.nio.ByteBuffer;
import java.nio.CharBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.Base64;
import java.util.Optional;

/**
 * The first bytes of one stored content, as {@link ContentReader} read them.
 *
 * @param cid the content's CID
 * @param backend the backend it was read from
 * @param size the content's full size in bytes
 * @param head its first {@code min(size, limit)} bytes
 */
public record StoredBytes(String cid, String backend, long size, byte[] head) {

  public StoredBytes {
    requireNonNull(cid, "cid");
    requireNonNull(backend, "backend");
    requireNonNull(head, "head");
    if (head.length > size) throw new IllegalArgumentException("head must be at most size bytes, but was longer");
  }

  /** True when {@link #head} is not the whole content. */
  public boolean truncated() {
    return head.length < size;
  }

  /**
   * The head as text when it is valid UTF-8 (a cut head may end inside a character: those last 1-3
   * bytes are dropped); empty for binary content.
   */
  public Optional<String> text() {
    int cutAllowance = truncated() ? 3 : 0;
    for (int drop = 0; drop <= Math.min(cutAllowance, head.length); drop++) {
      try {
        CharBuffer chars = StandardCharsets.UTF_8.newDecoder()
            .onMalformedInput(CodingErrorAction.REPORT)
            .onUnmappableCharacter(CodingErrorAction.REPORT)
            .decode(ByteBuffer.wrap(head, 0, head.length - drop));
        return Optional.of(chars.toString());
      } catch (CharacterCodingException notUtf8) {
        // try one byte shorter if the head was cut
      }
    }
    return Optional.empty();
  }

  /** The head in base64 (RFC 4648, with padding), as MCP blob contents carry it. */
  public String base64() {
    return Base64.getEncoder().encodeToString(head);
  }

  @Override
  public String toString() {
    return "StoredBytes[cid=" + cid + ", backend=" + backend + ", size=" + size + ", head=" + head.length + " bytes]";
  }
}
