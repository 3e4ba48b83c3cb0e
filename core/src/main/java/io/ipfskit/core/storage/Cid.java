package io.ipfskit.core.storage;

import java.io.ByteArrayOutputStream;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.Arrays;
import java.util.HexFormat;

/**
 * A CIDv1 with a sha2-256 multihash, as the local block store makes them: binary form {@code
 * varint(1) varint(codec) 0x12 0x20 <32-byte digest>}, text form multibase base32 lower-case
 * (RFC 4648 alphabet, no padding) behind the prefix {@code b}. Codec {@code raw} (0x55) marks a leaf
 * block of file bytes, {@code dag-pb} (0x70) a UnixFS node. Immutable.
 */
public final class Cid {
  /**
   * What {@link #canonical} accepts, for error messages at the edges: they name the field and this
   * rule and never repeat the rejected text.
   */
  public static final String ACCEPTED_RULE = "must be a CIDv1 in base32 (prefix 'b', e.g. bafkrei...) with codec raw"
      + " or dag-pb and a sha2-256 multihash, or a CIDv0 (base58btc, 'Qm' followed by 44 characters)";
  private static final String BASE58 = "123456789ABCDEFGHJKLMNPQRSTUVWXYZabcdefghijkmnopqrstuvwxyz";
  private static final int CIDV0_LENGTH = 46;

  static final int RAW = 0x55;
  static final int DAG_PB = 0x70;
  private static final int SHA2_256 = 0x12;
  private static final int DIGEST_BYTES = 32;
  private static final String ALPHABET = "abcdefghijklmnopqrstuvwxyz234567";
  private static final String RULE =
      "a CIDv1 in base32 (prefix 'b', e.g. bafkrei...) with codec raw or dag-pb and a sha2-256 multihash";

  private final int codec;
  private final byte[] digest;
  private final String text;

  private Cid(int codec, byte[] digest) {
    this.codec = codec;
    this.digest = digest;
    this.text = "b" + base32(bytes());
  }

  /** The CID of {@code block} (its sha2-256) under {@code codec}. */
  static Cid of(int codec, byte[] block, int length) {
    MessageDigest sha;
    try {
      sha = MessageDigest.getInstance("SHA-256");
    } catch (NoSuchAlgorithmException e) {
      throw new AssertionError("every JRE has SHA-256", e);
    }
    sha.update(block, 0, length);
    return new Cid(codec, sha.digest());
  }

  /**
   * Parses the text form.
   *
   * @throws IllegalArgumentException {@code "cid must be <rule>, but was '<text>' (<why>)"}
   */
  static Cid parse(String text) {
    if (text == null) throw new IllegalArgumentException("cid must be " + RULE + ", but was missing");
    String shown = text.length() > 120 ? text.substring(0, 120) + "..." : text;
    if (text.isEmpty() || text.charAt(0) != 'b') throw invalid(shown, "no base32 prefix 'b'");
    byte[] bin = unbase32(text, shown);
    int[] pos = {0};
    long version = varint(bin, pos, shown);
    if (version != 1) throw invalid(shown, "CID version " + version);
    long codec = varint(bin, pos, shown);
    if (codec != RAW && codec != DAG_PB) throw invalid(shown, "codec 0x" + Long.toHexString(codec));
    long hash = varint(bin, pos, shown);
    if (hash != SHA2_256) throw invalid(shown, "multihash 0x" + Long.toHexString(hash));
    long len = varint(bin, pos, shown);
    if (len != DIGEST_BYTES || bin.length - pos[0] != DIGEST_BYTES)
      throw invalid(shown, "digest of " + (bin.length - pos[0]) + " bytes");
    Cid cid = new Cid((int) codec, Arrays.copyOfRange(bin, pos[0], bin.length));
    if (!cid.text.equals(text)) throw invalid(shown, "not in canonical form");
    return cid;
  }

  /**
   * The canonical text of a CID a client gave: a CIDv1 as the store writes it (base32, raw or
   * dag-pb, sha2-256) unchanged; a CIDv0 ({@code Qm...}, base58btc sha2-256 multihash, which always
   * means a dag-pb node) normalised to the CIDv1 base32 with the same multihash and codec dag-pb,
   * so the local store (and any backend addressing by CIDv1) can serve it. Anything else is empty,
   * so the caller reports {@link #ACCEPTED_RULE} for its own field, never the text.
   */
  public static java.util.Optional<String> canonical(String text) {
    if (text == null || text.isEmpty()) return java.util.Optional.empty();
    try {
      if (text.length() == CIDV0_LENGTH && text.startsWith("Qm")) {
        byte[] multihash = unbase58(text);
        if (multihash == null || multihash.length != 2 + DIGEST_BYTES || (multihash[0] & 0xFF) != SHA2_256
            || (multihash[1] & 0xFF) != DIGEST_BYTES) {
          return java.util.Optional.empty();
        }
        return java.util.Optional.of(new Cid(DAG_PB, Arrays.copyOfRange(multihash, 2, multihash.length)).text);
      }
      return java.util.Optional.of(parse(text).text);
    } catch (IllegalArgumentException malformed) {
      return java.util.Optional.empty();
    }
  }

  /**
   * {@link #canonical}, and also a CIDv1 written in base58btc (prefix {@code z}), as IPFS nodes
   * print CIDs in their answers unless asked for base32. For reading what a node answered; the
   * edges where clients give CIDs keep to {@link #canonical}.
   */
  public static java.util.Optional<String> fromNodeAnswer(String text) {
    if (text == null || text.length() < 2 || text.charAt(0) != 'z') return canonical(text);
    byte[] bin = unbase58(text.substring(1));
    if (bin == null || bin.length == 0 || bin[0] != 1) return java.util.Optional.empty();
    try {
      return java.util.Optional.of(parse("b" + base32(bin)).text);
    } catch (IllegalArgumentException malformed) {
      return java.util.Optional.empty();
    }
  }

  /** Base58btc (Bitcoin alphabet) to bytes, leading '1's as zero bytes; null on a foreign character. */
  private static byte[] unbase58(String text) {
    java.math.BigInteger value = java.math.BigInteger.ZERO;
    java.math.BigInteger base = java.math.BigInteger.valueOf(58);
    int zeros = 0;
    while (zeros < text.length() && text.charAt(zeros) == '1') zeros++;
    for (int i = 0; i < text.length(); i++) {
      int digit = BASE58.indexOf(text.charAt(i));
      if (digit < 0) return null;
      value = value.multiply(base).add(java.math.BigInteger.valueOf(digit));
    }
    byte[] magnitude = value.toByteArray();
    int skip = magnitude.length > 1 && magnitude[0] == 0 ? 1 : 0; // BigInteger's sign byte
    if (value.signum() == 0) skip = magnitude.length;
    byte[] out = new byte[zeros + magnitude.length - skip];
    System.arraycopy(magnitude, skip, out, zeros, magnitude.length - skip);
    return out;
  }

  /** Reads a CID in binary form from {@code bytes[from, from+length)}. */
  static Cid fromBytes(byte[] bytes, int from, int length) {
    byte[] bin = Arrays.copyOfRange(bytes, from, from + length);
    return parse("b" + base32(bin));
  }

  private static IllegalArgumentException invalid(String shown, String why) {
    return new IllegalArgumentException("cid must be " + RULE + ", but was '" + shown + "' (" + why + ")");
  }

  int codec() {
    return codec;
  }

  boolean isRaw() {
    return codec == RAW;
  }

  /** True when {@code block}'s sha2-256 is this CID's digest. */
  boolean matches(byte[] block, int length) {
    return Arrays.equals(digest, of(codec, block, length).digest);
  }

  String digestHex() {
    return HexFormat.of().formatHex(digest);
  }

  byte[] bytes() {
    ByteArrayOutputStream out = new ByteArrayOutputStream(36);
    putVarint(out, 1);
    putVarint(out, codec);
    putVarint(out, SHA2_256);
    putVarint(out, DIGEST_BYTES);
    out.writeBytes(digest);
    return out.toByteArray();
  }

  @Override
  public String toString() {
    return text;
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cid c && c.text.equals(text);
  }

  @Override
  public int hashCode() {
    return text.hashCode();
  }

  // ------------------------------------------------------------ varint (LEB128, as in protobuf)

  static void putVarint(ByteArrayOutputStream out, long value) {
    while ((value & ~0x7FL) != 0) {
      out.write((int) ((value & 0x7F) | 0x80));
      value >>>= 7;
    }
    out.write((int) value);
  }

  private static long varint(byte[] bin, int[] pos, String shown) {
    long value = 0;
    for (int shift = 0; shift < 63; shift += 7) {
      if (pos[0] >= bin.length) throw invalid(shown, "truncated");
      int b = bin[pos[0]++] & 0xFF;
      value |= (long) (b & 0x7F) << shift;
      if ((b & 0x80) == 0) return value;
    }
    throw invalid(shown, "varint too long");
  }

  // ------------------------------------------------------------ base32 lower, no padding

  static String base32(byte[] data) {
    StringBuilder sb = new StringBuilder((data.length * 8 + 4) / 5);
    int buffer = 0;
    int bits = 0;
    for (byte b : data) {
      buffer = (buffer << 8) | (b & 0xFF);
      bits += 8;
      while (bits >= 5) {
        sb.append(ALPHABET.charAt((buffer >>> (bits - 5)) & 31));
        bits -= 5;
      }
    }
    if (bits > 0) sb.append(ALPHABET.charAt((buffer << (5 - bits)) & 31));
    return sb.toString();
  }

  private static byte[] unbase32(String text, String shown) {
    ByteArrayOutputStream out = new ByteArrayOutputStream(text.length() * 5 / 8);
    int buffer = 0;
    int bits = 0;
    for (int i = 1; i < text.length(); i++) {
      int v = ALPHABET.indexOf(text.charAt(i));
      if (v < 0) throw invalid(shown, "character '" + text.charAt(i) + "' at " + i + " is not base32 lower-case");
      buffer = (buffer << 5) | v;
      bits += 5;
      if (bits >= 8) {
        out.write((buffer >>> (bits - 8)) & 0xFF);
        bits -= 8;
      }
    }
    return out.toByteArray();
  }
}
