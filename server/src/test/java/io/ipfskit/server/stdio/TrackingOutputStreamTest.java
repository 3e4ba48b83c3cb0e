package io.ipfskit.server.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTimeoutPreemptively;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class TrackingOutputStreamTest {

  @Test
  void writeLine_bytes_writesTheLineAndCountsResponses() throws Exception {
    ByteArrayOutputStream sink = new ByteArrayOutputStream();
    TrackingOutputStream out = new TrackingOutputStream(sink);
    out.writeLine("{\"id\":1}".getBytes(StandardCharsets.UTF_8), true);
    out.writeLine("{\"method\":\"n\"}", false);
    assertEquals("{\"id\":1}\n{\"method\":\"n\"}\n", sink.toString(StandardCharsets.UTF_8));
    assertEquals(1, out.responses());
    assertTrue(out.awaitResponses(1, 0));
  }

  @Test
  void awaitResponses_afterAWriteFailed_returnsFalseWithoutWaitingForTheTimeout() {
    TrackingOutputStream out = new TrackingOutputStream(new OutputStream() {
      @Override
      public void write(int b) throws IOException {
        throw new IOException("Broken pipe");
      }
    });
    assertThrows(IOException.class, () -> out.writeLine("{\"id\":1}", true));
    // The drain timeout is an hour here: only the failed write can end the wait in time.
    assertFalse(assertTimeoutPreemptively(Duration.ofSeconds(10), () -> out.awaitResponses(1, 3_600_000)));
  }
}
