package io.ipfskit.server.log;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.Test;

/** Several transports at once: a live sink (HTTP) and a session sink (stdio) that gets what was kept. */
class ClientLogTest {

  /** A sink recording the messages starting with its prefix (other tests in this JVM send events too). */
  static final class Recorder implements ClientLog.Sink {
    final String prefix;
    final List<String> got = new CopyOnWriteArrayList<>();

    Recorder(String prefix) {
      this.prefix = prefix;
    }

    @Override
    public void deliver(ClientLog.Level level, String logger, String message) {
      if (message.startsWith(prefix)) got.add(level + " " + message);
    }
  }

  @Test
  void attachLive_thenAttach_liveGetsNewEventsOnly_sessionGetsKeptAndNew() {
    Recorder live = new Recorder("clt-");
    Recorder session = new Recorder("clt-");
    try {
      ClientLog.error(ClientLog.SECRETS, "clt-before-any");
      ClientLog.attachLive(live);
      ClientLog.warning(ClientLog.STORAGE, "clt-after-live");
      ClientLog.attach(session);
      ClientLog.send(ClientLog.Level.INFO, ClientLog.STORAGE, "clt-after-both");

      assertEquals(List.of("WARNING clt-after-live", "INFO clt-after-both"), live.got, "from its attach on");
      assertEquals(List.of("ERROR clt-before-any", "WARNING clt-after-live", "INFO clt-after-both"), session.got,
          "the kept events first, then the new ones");
    } finally {
      ClientLog.detach(live);
      ClientLog.detach(session);
    }
    assertFalse(ClientLog.isAttached(live));
    assertFalse(ClientLog.isAttached(session));
    ClientLog.error(ClientLog.SECRETS, "clt-after-detach");
    assertEquals(2, live.got.size(), "nothing after detach");
  }

  @Test
  void deliver_sinkThrows_otherSinksStillGetTheEvent() {
    Recorder good = new Recorder("clt2-");
    ClientLog.Sink broken = (level, logger, message) -> {
      throw new IllegalStateException("the client is gone");
    };
    try {
      ClientLog.attachLive(broken);
      ClientLog.attachLive(good);
      ClientLog.notice(ClientLog.WAL, "clt2-one");
      assertEquals(List.of("NOTICE clt2-one"), good.got);
    } finally {
      ClientLog.detach(broken);
      ClientLog.detach(good);
    }
  }
}
