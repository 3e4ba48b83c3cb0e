package io.ipfskit.server.stdio;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.modelcontextprotocol.spec.McpSchema.ProgressNotification;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class InFlightRequestsTest {

  @Test
  void tick_requestWithToken_sendsRisingProgressWithMessageUntilFinished() throws Exception {
    LinkedBlockingQueue<ProgressNotification> sent = new LinkedBlockingQueue<>();
    try (InFlightRequests requests = new InFlightRequests(sent::add, 5)) {
      requests.begin(7L, "tok-1", () -> "waiting for operation abc", null);
      requests.begin("no-token", null, () -> "never shown", null);
      ProgressNotification first = sent.poll(10, TimeUnit.SECONDS);
      ProgressNotification second = sent.poll(10, TimeUnit.SECONDS);
      assertEquals("tok-1", first.progressToken());
      assertEquals("waiting for operation abc", first.message());
      assertTrue(second.progress() > first.progress(), "progress must increase");
      List<Boolean> written = new CopyOnWriteArrayList<>();
      assertTrue(requests.finish(7, written::add), "an int id matches the long one it was begun with");
      assertEquals(List.of(true), written);
      sent.clear();
      // After finish no progress for it may follow: the ticker runs every 5 ms, give it many turns.
      requests.begin(8L, "tok-2", () -> "second", null);
      ProgressNotification next = sent.poll(10, TimeUnit.SECONDS);
      assertEquals("tok-2", next.progressToken(), "only the still-running request gets progress");
    }
  }

  @Test
  void cancel_runningRequest_runsTheHookOnceAndDropsItsResponse() {
    AtomicInteger hook = new AtomicInteger();
    try (InFlightRequests requests = new InFlightRequests(n -> { }, 1000)) {
      requests.begin("c-1", null, () -> "", hook::incrementAndGet);
      assertTrue(requests.cancel(tools.jackson.databind.node.JsonNodeFactory.instance.stringNode("c-1")));
      assertFalse(requests.cancel("c-1"), "a second cancel finds nothing to cancel");
      assertEquals(1, hook.get());
      List<Boolean> written = new CopyOnWriteArrayList<>();
      assertFalse(requests.finish("c-1", written::add));
      assertEquals(List.of(false), written, "the response of a cancelled request is not written");
      assertEquals(0, requests.size());
    }
  }

  @Test
  void cancel_unknownOrFinishedId_changesNothing() {
    try (InFlightRequests requests = new InFlightRequests(n -> { }, 1000)) {
      assertFalse(requests.cancel(99L));
      requests.begin(1L, null, () -> "", null);
      requests.finish(1L, w -> { });
      assertFalse(requests.cancel(1L));
      assertFalse(requests.cancel("1"), "the string id \"1\" is not the number 1");
    }
  }

  @Test
  void key_numberAndStringIds_stayDistinct() {
    assertEquals(InFlightRequests.key(5), InFlightRequests.key(5L));
    assertFalse(InFlightRequests.key(5).equals(InFlightRequests.key("5")));
  }
}
