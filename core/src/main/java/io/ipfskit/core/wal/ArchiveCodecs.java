package io.ipfskit.core.wal;

import com.github.luben.zstd.Zstd;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.nio.ByteBuffer;
import java.util.zip.GZIPInputStream;
import java.util.zip.GZIPOutputStream;
import org.apache.parquet.bytes.BytesInput;
import org.apache.parquet.compression.CompressionCodecFactory;
import org.apache.parquet.hadoop.metadata.CompressionCodecName;

/**
 * Page compression for the Parquet archive without Hadoop: Parquet's own {@code CodecFactory}
 * instantiates Hadoop codecs through Hadoop's {@code Configuration}, which needs most of Hadoop on
 * the class path. ZSTD runs on zstd-jni, GZIP on {@code java.util.zip}; both produce the standard
 * frames every Parquet reader (DuckDB, pyarrow) expects. Stateless, so one instance serves all
 * threads.
 */
final class ArchiveCodecs implements CompressionCodecFactory {
  static final int ZSTD_LEVEL = 3;

  @Override
  public BytesInputCompressor getCompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Compressor(codec, bytes -> bytes);
      case ZSTD -> new Compressor(codec, bytes -> Zstd.compress(bytes, ZSTD_LEVEL));
      case GZIP -> new Compressor(codec, ArchiveCodecs::gzip);
      default -> throw unsupported(codec);
    };
  }

  @Override
  public BytesInputDecompressor getDecompressor(CompressionCodecName codec) {
    return switch (codec) {
      case UNCOMPRESSED -> new Decompressor((bytes, size) -> bytes);
      case ZSTD -> new Decompressor(ArchiveCodecs::unzstd);
      case GZIP -> new Decompressor(ArchiveCodecs::gunzip);
      default -> throw unsupported(codec);
    };
  }

  @Override
  public void release() {}

  private static IllegalArgumentException unsupported(CompressionCodecName codec) {
    return new IllegalArgumentException(
        "Parquet codec must be one of [UNCOMPRESSED, ZSTD, GZIP] in the WAL archive, but was " + codec);
  }

  @FunctionalInterface
  private interface Transform {
    byte[] apply(byte[] input) throws IOException;
  }

  @FunctionalInterface
  private interface Expand {
    byte[] apply(byte[] input, int uncompressedSize) throws IOException;
  }

  private static byte[] toArray(BytesInput bytes) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.toIntExact(bytes.size()));
    bytes.writeAllTo(out);
    return out.toByteArray();
  }

  private static byte[] gzip(byte[] input) throws IOException {
    ByteArrayOutputStream out = new ByteArrayOutputStream(Math.max(64, input.length / 2));
    try (GZIPOutputStream gz = new GZIPOutputStream(out)) {
      gz.write(input);
    }
    return out.toByteArray();
  }

  private static byte[] gunzip(byte[] input, int uncompressedSize) throws IOException {
    try (InputStream in = new GZIPInputStream(new java.io.ByteArrayInputStream(input))) {
      byte[] out = in.readNBytes(uncompressedSize);
      if (out.length != uncompressedSize)
        throw new IOException("GZIP page must expand to " + uncompressedSize + " bytes, but gave " + out.length);
      return out;
    }
  }

  private static byte[] unzstd(byte[] input, int uncompressedSize) throws IOException {
    byte[] out = new byte[uncompressedSize];
    long n = Zstd.decompress(out, input);
    if (Zstd.isError(n))
      throw new IOException("ZSTD page is corrupt: " + Zstd.getErrorName(n));
    if (n != uncompressedSize)
      throw new IOException("ZSTD page must expand to " + uncompressedSize + " bytes, but gave " + n);
    return out;
  }

  private record Compressor(CompressionCodecName name, Transform transform) implements BytesInputCompressor {
    @Override
    public BytesInput compress(BytesInput bytes) throws IOException {
      return BytesInput.from(transform.apply(toArray(bytes)));
    }

    @Override
    public CompressionCodecName getCodecName() {
      return name;
    }

    @Override
    public void release() {}
  }

  private record Decompressor(Expand expand) implements BytesInputDecompressor {
    @Override
    public BytesInput decompress(BytesInput bytes, int uncompressedSize) throws IOException {
      return BytesInput.from(expand.apply(toArray(bytes), uncompressedSize));
    }

    @Override
    public void decompress(ByteBuffer input, int compressedSize, ByteBuffer output, int uncompressedSize)
        throws IOException {
      byte[] in = new byte[compressedSize];
      input.duplicate().get(in);
      output.put(expand.apply(in, uncompressedSize));
    }

    @Override
    public void release() {}
  }
}
