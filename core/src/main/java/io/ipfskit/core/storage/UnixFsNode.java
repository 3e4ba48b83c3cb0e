package io.ipfskit.core.storage;

import java.io.ByteArrayOutputStream;
import java.util.ArrayList;
import java.util.List;

/**
 * A dag-pb block holding a UnixFS file node: the links to its children in file order and, in its
 * {@code Data}, the UnixFS message {@code Type=File, filesize, blocksizes[]} (one blocksize per
 * child: the bytes of file content under that child).
 *
 * <p>Encoding is the canonical dag-pb form that Kubo (go-codec-dagpb) and the JS importer
 * (@ipld/dag-pb) both produce, byte for byte: PBNode {@code Links} (field 2) first, then {@code
 * Data} (field 1); each PBLink {@code Hash} (1), {@code Name} (2, always present and empty for file
 * chunks) and {@code Tsize} (3). The UnixFS {@code Data} message writes {@code Type} (1), {@code
 * filesize} (3) and each {@code blocksizes} entry (4, not packed) in that order; {@code Data} (2)
 * is absent because the file bytes live in the raw leaves.
 *
 * @param links the children, in file order
 * @param inlineData file bytes stored in this node itself (only in nodes that other importers made
 *     without raw leaves; never in nodes this store writes); empty if none
 */
record UnixFsNode(List<Link> links, byte[] inlineData) {
  /** UnixFS Data.Type values (unixfs.proto). */
  static final int TYPE_RAW = 0;
  static final int TYPE_FILE = 2;

  /**
   * @param tsize the cumulative size of the child's DAG in bytes: a raw leaf's length, or a node's
   *     block length plus its own links' Tsizes
   * @param fileSize the bytes of file content below this child
   */
  record Link(Cid cid, long tsize, long fileSize) {}

  /** Encodes a file node over {@code children}. */
  static byte[] encodeFile(List<Link> children) {
    ByteArrayOutputStream data = new ByteArrayOutputStream(16 + children.size() * 4);
    long fileSize = 0;
    for (Link l : children) fileSize += l.fileSize();
    tag(data, 1, 0);
    Cid.putVarint(data, TYPE_FILE);
    tag(data, 3, 0);
    Cid.putVarint(data, fileSize);
    for (Link l : children) {
      tag(data, 4, 0);
      Cid.putVarint(data, l.fileSize());
    }

    ByteArrayOutputStream node = new ByteArrayOutputStream(64 + children.size() * 48);
    for (Link l : children) {
      ByteArrayOutputStream link = new ByteArrayOutputStream(48);
      byte[] hash = l.cid().bytes();
      tag(link, 1, 2);
      Cid.putVarint(link, hash.length);
      link.writeBytes(hash);
      tag(link, 2, 2);
      Cid.putVarint(link, 0);                 // Name: present and empty, as both importers write it
      tag(link, 3, 0);
      Cid.putVarint(link, l.tsize());
      tag(node, 2, 2);
      Cid.putVarint(node, link.size());
      node.writeBytes(link.toByteArray());
    }
    tag(node, 1, 2);
    Cid.putVarint(node, data.size());
    node.writeBytes(data.toByteArray());
    return node.toByteArray();
  }

  /**
   * Decodes a dag-pb block that must hold a UnixFS file (or raw) node.
   *
   * @throws IllegalArgumentException saying what is malformed
   */
  static UnixFsNode decode(byte[] block, int length) {
    Reader r = new Reader(block, 0, length);
    List<Cid> hashes = new ArrayList<>();
    List<Long> tsizes = new ArrayList<>();
    byte[] unixfs = null;
    while (r.more()) {
      long key = r.varint();
      int field = (int) (key >>> 3);
      int wire = (int) (key & 7);
      if (field == 2 && wire == 2) {
        Reader link = r.sub();
        Cid hash = null;
        long tsize = 0;
        while (link.more()) {
          long k = link.varint();
          int f = (int) (k >>> 3);
          if (f == 1 && (k & 7) == 2) {
            int len = (int) link.varint();
            hash = Cid.fromBytes(link.buf, link.take(len), len);
          } else if (f == 3 && (k & 7) == 0) {
            tsize = link.varint();
          } else {
            link.skip((int) (k & 7));
          }
        }
        if (hash == null) throw new IllegalArgumentException("dag-pb link without Hash");
        hashes.add(hash);
        tsizes.add(tsize);
      } else if (field == 1 && wire == 2) {
        int len = (int) r.varint();
        int at = r.take(len);
        unixfs = java.util.Arrays.copyOfRange(block, at, at + len);
      } else {
        r.skip(wire);
      }
    }
    if (unixfs == null) throw new IllegalArgumentException("dag-pb node without UnixFS Data");

    Reader d = new Reader(unixfs, 0, unixfs.length);
    long type = -1;
    byte[] inline = new byte[0];
    List<Long> blockSizes = new ArrayList<>();
    while (d.more()) {
      long k = d.varint();
      int f = (int) (k >>> 3);
      if (f == 1 && (k & 7) == 0) {
        type = d.varint();
      } else if (f == 2 && (k & 7) == 2) {
        int len = (int) d.varint();
        int at = d.take(len);
        inline = java.util.Arrays.copyOfRange(unixfs, at, at + len);
      } else if (f == 4 && (k & 7) == 0) {
        blockSizes.add(d.varint());
      } else if (f == 4 && (k & 7) == 2) {            // packed blocksizes, accepted on read
        Reader packed = d.sub();
        while (packed.more()) blockSizes.add(packed.varint());
      } else {
        d.skip((int) (k & 7));
      }
    }
    if (type != TYPE_FILE && type != TYPE_RAW)
      throw new IllegalArgumentException("UnixFS node must be a file (Type 2) or raw (Type 0), but was Type " + type);
    List<Link> links = new ArrayList<>(hashes.size());
    for (int i = 0; i < hashes.size(); i++) {
      long fileSize = i < blockSizes.size() ? blockSizes.get(i) : -1;
      links.add(new Link(hashes.get(i), tsizes.get(i), fileSize));
    }
    return new UnixFsNode(List.copyOf(links), inline);
  }

  private static void tag(ByteArrayOutputStream out, int field, int wireType) {
    Cid.putVarint(out, ((long) field << 3) | wireType);
  }

  /** A bounds-checked protobuf reader over {@code buf[pos, end)}. */
  private static final class Reader {
    final byte[] buf;
    int pos;
    final int end;

    Reader(byte[] buf, int pos, int end) {
      this.buf = buf;
      this.pos = pos;
      this.end = end;
    }

    boolean more() {
      return pos < end;
    }

    long varint() {
      long value = 0;
      for (int shift = 0; shift < 64; shift += 7) {
        if (pos >= end) throw new IllegalArgumentException("protobuf varint runs past the end of the block");
        int b = buf[pos++] & 0xFF;
        value |= (long) (b & 0x7F) << shift;
        if ((b & 0x80) == 0) return value;
      }
      throw new IllegalArgumentException("protobuf varint longer than 10 bytes");
    }

    /** Reserves {@code len} bytes and returns where they start. */
    int take(int len) {
      if (len < 0 || len > end - pos)
        throw new IllegalArgumentException("protobuf field of " + len + " bytes runs past the end of the block");
      int at = pos;
      pos += len;
      return at;
    }

    Reader sub() {
      int len = (int) varint();
      int at = take(len);
      return new Reader(buf, at, at + len);
    }

    void skip(int wireType) {
      switch (wireType) {
        case 0 -> varint();
        case 1 -> take(8);
        case 2 -> take((int) varint());
        case 5 -> take(4);
        default -> throw new IllegalArgumentException("protobuf wire type " + wireType + " is not supported");
      }
    }
  }
}
