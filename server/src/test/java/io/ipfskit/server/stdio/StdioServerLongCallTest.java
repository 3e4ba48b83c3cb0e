package io.ipfskit.server.stdio;

import static java.nio.charset.StandardCharsets.UTF_8;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import io.ipfskit.server.tools.LongCall;
import io.modelcontextprotocol.server.McpServerFeatures.SyncToolSpecification;
import io.modelcontextprotocol.spec.McpSchema.CallToolResult;
import io.modelcontextprotocol.spec.McpSchema.Tool;
import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.PipedInputStream;
import java.io.PipedOutputStream;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** {@link StdioServer} with a {@link LongCall}: no worker held, progress while it runs, cancel drops the answer. */
@Timeout(60)
class StdioServerLongCallTest {
  private static final JsonMapper JSON = JsonMapper.builder().build();

  private final Map<String, CompletableFuture<CallToolResult>> slowCalls = new ConcurrentHashMap<>();
  private final LinkedBlockingQueue<JsonNode> received = new LinkedBlockingQueue<>();
  private final List<JsonNode> unclaimed = new ArrayList<>();
  private OutputStream toServer;
  private Thread server;
  private String previousInterval;

  private final LongCall slow = new LongCall() {
    @Override
    public String name() {
      return "slow";
    }

    @Override
    public Started start(Map<String, Object> arguments) {
      CompletableFuture<CallToolResult> f = new CompletableFuture<>();
      slowCalls.put((String) arguments.get("tag"), f);
      return new Started(f, () -> "slow call " + arguments.get("tag") + " still running");
    }
  };

  private static SyncToolSpecification tool(String name) {
    return SyncToolSpecification.builder()
        .tool(Tool.builder(name, Map.of("type", "object")).description(name).build())
        .callHandler((exchange, request) -> CallToolResult.builder().addTextContent(name + " ok").build())
        .build();
  }

  /** The tools run on the reading thread (StdioServer's runsInline); the others hop to a worker. */
  private static final java.util.Set<String> INLINE = java.util.Set.of("quick", "where");
  private volatile Thread readingThread;

  /** Answers the name of the thread it ran on. */
  private static SyncToolSpecification whereTool() {
    return SyncToolSpecification.builder()
        .tool(Tool.builder("where", Map.of("type", "object")).description("where").build())
        .callHandler((exchange, request) -> CallToolResult.builder()
            .addTextContent(Thread.currentThread().getName()).build())
        .build();
  }

  private final java.util.concurrent.CountDownLatch release = new java.util.concurrent.CountDownLatch(1);

  /** An ordinary (SDK, worker-thread) tool that runs until the test releases it. */
  private SyncToolSpecification blocking() {
    return SyncToolSpecification.builder()
        .tool(Tool.builder("blocking", Map.of("type", "object")).description("blocking").build())
        .callHandler((exchange, request) -> {
          try {
            release.await(30, TimeUnit.SECONDS);
          } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
          }
          return CallToolResult.builder().addTextContent("released").build();
        })
        .build();
  }

  @BeforeEach
  void start() throws Exception {
    previousInterval = System.getProperty(InFlightRequests.PROGRESS_INTERVAL_PROPERTY);
    System.setProperty(InFlightRequests.PROGRESS_INTERVAL_PROPERTY, "20");
    PipedInputStream serverIn = new PipedInputStream(1 << 20);
    toServer = new PipedOutputStream(serverIn);
    PipedInputStream fromServer = new PipedInputStream(1 << 20);
    PipedOutputStream serverOut = new PipedOutputStream(fromServer);
    server = new Thread(() -> {
      readingThread = Thread.currentThread();
      try {
        StdioServer.run(serverIn, serverOut, "test", "1", List.of(tool("quick"), tool("slow"), blocking(), whereTool()),
            () -> { }, StdioServer.Features.NONE, List.of(slow), INLINE::contains, StdioServer.MAX_LINE_BYTES);
        serverOut.close();
      } catch (Exception e) {
        throw new IllegalStateException(e);
      }
    });
    server.start();
    Thread reader = new Thread(() -> {
      try (BufferedReader r = new BufferedReader(new InputStreamReader(fromServer, UTF_8))) {
        for (String line; (line = r.readLine()) != null; ) received.add(JSON.readTree(line));
      } catch (Exception e) {
        // the server ended
      }
    });
    reader.setDaemon(true);
    reader.start();
    send("{\"jsonrpc\":\"2.0\",\"id\":0,\"method\":\"initialize\",\"params\":{\"protocolVersion\":\"2025-06-18\","
        + "\"capabilities\":{},\"clientInfo\":{\"name\":\"t\",\"version\":\"1\"}}}");
    assertNotNull(await("0"));
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/initialized\"}");
  }

  @AfterEach
  void stop() throws Exception {
    release.countDown();
    slowCalls.values().forEach(f -> f.complete(CallToolResult.builder().addTextContent("late").build()));
    toServer.close();
    server.join(TimeUnit.SECONDS.toMillis(30));
    if (previousInterval == null) System.clearProperty(InFlightRequests.PROGRESS_INTERVAL_PROPERTY);
    else System.setProperty(InFlightRequests.PROGRESS_INTERVAL_PROPERTY, previousInterval);
  }

  private void send(String line) throws Exception {
    toServer.write((line + "\n").getBytes(UTF_8));
    toServer.flush();
  }

  private void callSlow(String id, String tag, String progressToken) throws Exception {
    String meta = progressToken == null ? "" : ",\"_meta\":{\"progressToken\":\"" + progressToken + "\"}";
    send("{\"jsonrpc\":\"2.0\",\"id\":\"" + id + "\",\"method\":\"tools/call\",\"params\":{\"name\":\"slow\","
        + "\"arguments\":{\"tag\":\"" + tag + "\"}" + meta + "}}");
  }

  /** The next message with this id (as text); everything else is kept in {@link #unclaimed}. */
  private JsonNode await(String id) throws InterruptedException {
    for (JsonNode m : unclaimed) {
      if (id.equals(m.path("id").asString(null))) {
        unclaimed.remove(m);
        return m;
      }
    }
    while (true) {
      JsonNode m = received.poll(30, TimeUnit.SECONDS);
      if (m == null) return null;
      if (m.has("id") && id.equals(m.get("id").asString())) return m;
      unclaimed.add(m);
    }
  }

  @Test
  void run_thirtyLongCallsPending_quickCallIsAnsweredWhileTheyAllStillRun() throws Exception {
    for (int i = 0; i < 30; i++) callSlow("s-" + i, "t" + i, null);
    send("{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"tools/call\",\"params\":{\"name\":\"quick\",\"arguments\":{}}}");
    JsonNode quick = await("q");
    assertEquals("quick ok", quick.path("result").path("content").get(0).path("text").asString(), quick.toString());
    assertEquals(30, slowCalls.size(), "every long call started");
    for (CompletableFuture<CallToolResult> f : slowCalls.values()) assertFalse(f.isDone());
    for (JsonNode m : unclaimed) assertFalse(m.path("id").asString("").startsWith("s-"), m.toString());
    slowCalls.get("t7").complete(CallToolResult.builder().addTextContent("seven").build());
    assertEquals("seven", await("s-7").path("result").path("content").get(0).path("text").asString());
  }

  @Test
  void run_longCallWithProgressToken_getsProgressThenItsAnswerAndNoProgressAfter() throws Exception {
    callSlow("p-1", "prog", "tok-9");
    List<JsonNode> progress = new ArrayList<>();
    while (progress.size() < 3) {
      JsonNode m = received.poll(30, TimeUnit.SECONDS);
      assertNotNull(m, "progress expected every 20 ms");
      if ("notifications/progress".equals(m.path("method").asString(null))) progress.add(m.path("params"));
    }
    assertEquals("tok-9", progress.get(0).path("progressToken").asString());
    assertEquals("slow call prog still running", progress.get(0).path("message").asString());
    assertTrue(progress.get(2).path("progress").asDouble() > progress.get(1).path("progress").asDouble());
    slowCalls.get("prog").complete(CallToolResult.builder().addTextContent("done").build());
    assertNotNull(await("p-1"));
    send("{\"jsonrpc\":\"2.0\",\"id\":\"after\",\"method\":\"ping\"}");
    assertNotNull(await("after"));
    for (JsonNode m : received) {
      assertFalse("notifications/progress".equals(m.path("method").asString(null)), "progress after the answer: " + m);
    }
  }

  @Test
  void run_cancelledLongCall_futureCancelledAndNeverAnswered() throws Exception {
    callSlow("c-1", "cancel-me", "tok-c");
    callSlow("c-2", "keep", null);
    send("{\"jsonrpc\":\"2.0\",\"id\":\"started\",\"method\":\"ping\"}"); // lines are handled in order
    assertNotNull(await("started"));
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"c-1\",\"reason\":\"user\"}}");
    send("{\"jsonrpc\":\"2.0\",\"id\":\"sync\",\"method\":\"ping\"}");
    assertNotNull(await("sync"));
    assertTrue(slowCalls.get("cancel-me").isCancelled(), "cancel reaches the call's future (it frees what it holds)");
    slowCalls.get("keep").complete(CallToolResult.builder().addTextContent("kept").build());
    assertNotNull(await("c-2"));
    toServer.close();
    server.join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(server.isAlive(), "shutdown does not wait for the cancelled call's answer");
    List<JsonNode> rest = new ArrayList<>(unclaimed);
    received.drainTo(rest);
    for (JsonNode m : rest) assertFalse("c-1".equals(m.path("id").asString(null)), "answered after cancel: " + m);
  }

  @Test
  void run_ordinaryToolWithProgressToken_getsProgressAndACancelDropsItsAnswer() throws Exception {
    send("{\"jsonrpc\":\"2.0\",\"id\":\"b-1\",\"method\":\"tools/call\",\"params\":{\"name\":\"blocking\","
        + "\"arguments\":{},\"_meta\":{\"progressToken\":7}}}");
    JsonNode progress;
    do {
      progress = received.poll(30, TimeUnit.SECONDS);
      assertNotNull(progress);
    } while (!"notifications/progress".equals(progress.path("method").asString(null)));
    assertEquals(7, progress.path("params").path("progressToken").asInt());
    assertEquals("blocking is still running", progress.path("params").path("message").asString());
    send("{\"jsonrpc\":\"2.0\",\"method\":\"notifications/cancelled\",\"params\":{\"requestId\":\"b-1\"}}");
    send("{\"jsonrpc\":\"2.0\",\"id\":\"seen\",\"method\":\"ping\"}"); // lines are handled in order
    assertNotNull(await("seen"));
    release.countDown(); // the handler finishes now; its answer must be dropped
    toServer.close();
    server.join(TimeUnit.SECONDS.toMillis(30));
    assertFalse(server.isAlive());
    List<JsonNode> rest = new ArrayList<>(unclaimed);
    received.drainTo(rest);
    for (JsonNode m : rest) assertFalse("b-1".equals(m.path("id").asString(null)), "answered after cancel: " + m);
  }

  @Test
  void run_toolDeclaredInline_runsOnTheReadingThread() throws Exception {
    send("{\"jsonrpc\":\"2.0\",\"id\":\"w\",\"method\":\"tools/call\",\"params\":{\"name\":\"where\",\"arguments\":{}}}");
    JsonNode answer = await("w");
    assertEquals(readingThread.getName(), answer.path("result").path("content").get(0).path("text").asString(),
        answer.toString());
  }

  @Test
  void run_blockingToolNotInlineIsHeld_inlineCallAndPingAreAnsweredMeanwhile() throws Exception {
    send("{\"jsonrpc\":\"2.0\",\"id\":\"b\",\"method\":\"tools/call\",\"params\":{\"name\":\"blocking\",\"arguments\":{}}}");
    send("{\"jsonrpc\":\"2.0\",\"id\":\"q\",\"method\":\"tools/call\",\"params\":{\"name\":\"quick\",\"arguments\":{}}}");
    send("{\"jsonrpc\":\"2.0\",\"id\":\"p\",\"method\":\"ping\"}");
    assertEquals("quick ok", await("q").path("result").path("content").get(0).path("text").asString());
    assertNotNull(await("p"));
    for (JsonNode m : unclaimed) assertFalse("b".equals(m.path("id").asString(null)), "answered before release: " + m);
    release.countDown();
    assertEquals("released", await("b").path("result").path("content").get(0).path("text").asString());
  }

  private static final java.util.Set<String> OWN_EVENTS =
      java.util.Set.of("below the level: not sent", "the vault could not be unlocked");

  @Test
  void clientLog_eventsFilteredByTheClientsLevel_andKeptUntilTheSessionIsReady() throws Exception {
    send("{\"jsonrpc\":\"2.0\",\"id\":\"lvl\",\"method\":\"logging/setLevel\",\"params\":{\"level\":\"error\"}}");
    assertTrue(await("lvl").has("result"));
    io.ipfskit.server.log.ClientLog.warning(io.ipfskit.server.log.ClientLog.FILES, "below the level: not sent");
    io.ipfskit.server.log.ClientLog.error(io.ipfskit.server.log.ClientLog.SECRETS, "the vault could not be unlocked");
    JsonNode m;
    do {
      m = received.poll(30, TimeUnit.SECONDS);
      assertNotNull(m);
    } while (!"notifications/message".equals(m.path("method").asString(null))
        || !OWN_EVENTS.contains(m.path("params").path("data").asString(""))); // ClientLog's queue is per JVM:
                                                                           // skip other tests' events
    assertEquals("error", m.path("params").path("level").asString(), "the warning is below the level: " + m);
    assertEquals("ipfs-kit.secrets", m.path("params").path("logger").asString());
    assertEquals("the vault could not be unlocked", m.path("params").path("data").asString());
  }
}
