package io.ipfskit.core.storage;

import java.io.IOException;
import java.util.ArrayList;
import java.util.List;

/**
 * Builds the UnixFS DAG of one file from its chunks, streaming: it keeps at most {@value
 * #MAX_LINKS} pending links per tree level, so memory does not grow with the file.
 *
 * <p>The shape is the "balanced" layout of Kubo ({@code ipfs add} default, go-unixfs
 * {@code balanced.Layout}) and of the JS importer ({@code layout/balanced.js}): level 0 is the
 * sequence of raw leaves; level {@code n+1} is level {@code n} cut into consecutive groups of
 * {@value #MAX_LINKS} (the link limit), each group becoming one dag-pb node (a short last group too, even a group of
 * one); the first level with a single entry is the root. A file of exactly one chunk is that raw
 * leaf itself (Kubo with raw leaves, the JS importer's {@code reduceSingleLeafToSelf}). Because a
 * full group never depends on what comes after it, groups are reduced as soon as they fill, and
 * the short tails are reduced bottom-up by {@link #finish}.
 *
 * <p>Not thread-safe: one instance builds one file.
 */
final class BalancedFileLayout {
  /** Kubo's default chunker {@code size-262144}. */
  static final int CHUNK_BYTES = 262_144;
  /** Kubo's {@code DefaultLinksPerBlock}: an 8 KiB node budget / a 47-byte link estimate = 174. */
  static final int MAX_LINKS = 174;

  /** Receives every block the layout makes, leaves and nodes, before they are linked to. */
  @FunctionalInterface
  interface BlockSink {
    void put(Cid cid, byte[] block, int length) throws IOException;
  }

  private final BlockSink sink;
  private final int maxLinks;
  private final List<List<UnixFsNode.Link>> pending = new ArrayList<>();
  private final List<Long> added = new ArrayList<>();

  /** Kubo's layout: at most {@value #MAX_LINKS} links per node. */
  BalancedFileLayout(BlockSink sink) {
    this(sink, MAX_LINKS);
  }

  /** The same layout with another link limit (tests build deep trees from a few small chunks). */
  BalancedFileLayout(BlockSink sink, int maxLinks) {
    if (maxLinks < 2) throw new IllegalArgumentException("maxLinks must be >= 2, but was " + maxLinks);
    this.sink = sink;
    this.maxLinks = maxLinks;
  }

  /** Adds the next chunk of the file ({@code length <= CHUNK_BYTES}) as a raw leaf. */
  void addChunk(byte[] chunk, int length) throws IOException {
    Cid cid = Cid.of(Cid.RAW, chunk, length);
    sink.put(cid, chunk, length);
    push(0, new UnixFsNode.Link(cid, length, length));
  }

  /** Reduces the short tails and returns the root. At least one chunk (maybe empty) must have been added. */
  UnixFsNode.Link finish() throws IOException {
    if (added.isEmpty()) throw new IllegalStateException("a file has at least one chunk (an empty file one empty chunk)");
    for (int level = 0; ; level++) {
      List<UnixFsNode.Link> links = pending.get(level);
      if (added.get(level) == 1) return links.get(0);
      if (!links.isEmpty()) {
        UnixFsNode.Link node = reduce(links);
        links.clear();
        push(level + 1, node);
      }
    }
  }

  private void push(int level, UnixFsNode.Link link) throws IOException {
    if (pending.size() == level) {
      pending.add(new ArrayList<>(maxLinks));
      added.add(0L);
    }
    List<UnixFsNode.Link> links = pending.get(level);
    links.add(link);
    added.set(level, added.get(level) + 1);
    if (links.size() == maxLinks) {
      UnixFsNode.Link node = reduce(links);
      links.clear();
      push(level + 1, node);
    }
  }

  private UnixFsNode.Link reduce(List<UnixFsNode.Link> children) throws IOException {
    byte[] block = UnixFsNode.encodeFile(children);
    Cid cid = Cid.of(Cid.DAG_PB, block, block.length);
    sink.put(cid, block, block.length);
    long tsize = block.length;
    long fileSize = 0;
    for (UnixFsNode.Link c : children) {
      tsize += c.tsize();
      fileSize += c.fileSize();
    }
    return new UnixFsNode.Link(cid, tsize, fileSize);
  }
}
