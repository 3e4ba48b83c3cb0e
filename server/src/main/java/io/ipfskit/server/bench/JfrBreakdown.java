package io.ipfskit.server.bench;

import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Instant;
import java.util.HashMap;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordedFrame;
import jdk.jfr.consumer.RecordedStackTrace;
import jdk.jfr.consumer.RecordingFile;

/**
 * Where the server's CPU samples went: reads the {@code jdk.ExecutionSample} events of a JFR
 * recording (threads running Java code; a thread blocked reading stdin or parked is not sampled)
 * taken after {@code from}, and attributes each sample to a code area by its stack.
 *
 * <ul>
 *   <li>Self: the area of the top frame; a JDK frame (java., jdk., sun.) counts for the nearest
 *       non-JDK caller's area, so a HashMap lookup made by Jackson counts as Jackson.
 *   <li>Inclusive: the share of samples with at least one frame of the area anywhere on the stack
 *       (areas overlap: the SDK calls Jackson).
 * </ul>
 */
final class JfrBreakdown {

  /** Areas in match order: the first whose prefix matches a class name wins. */
  private static final Map<String, List<String>> AREAS = areas();

  private JfrBreakdown() {}

  private static Map<String, List<String>> areas() {
    Map<String, List<String>> a = new LinkedHashMap<>();
    a.put("schema validation (networknt, SDK validator)", List.of("com.networknt.",
        "io.modelcontextprotocol.json.schema."));
    a.put("Jackson", List.of("tools.jackson.", "com.fasterxml.jackson."));
    a.put("MCP SDK", List.of("io.modelcontextprotocol."));
    a.put("Reactor", List.of("reactor."));
    a.put("ipfs-kit stdio", List.of("io.ipfskit.server.stdio."));
    a.put("ipfs-kit http (gate, error bodies)", List.of("io.ipfskit.server.http."));
    a.put("Jetty", List.of("org.eclipse.jetty."));
    a.put("ipfs-kit tools + core", List.of("io.ipfskit."));
    a.put("logging (SLF4J)", List.of("org.slf4j."));
    return a;
  }

  /** The first frame, from the top, outside {@code area} and the JDK, as Class.method. */
  private static String callerOutside(String area, List<RecordedFrame> frames) {
    for (RecordedFrame frame : frames) {
      String type = frame.getMethod().getType().getName();
      String a = areaOf(type);
      if (a != null && !a.equals(area)) {
        return type.substring(type.lastIndexOf('.') + 1) + "." + frame.getMethod().getName();
      }
    }
    return "(none recorded)";
  }

  static String areaOf(String className) {
    for (Map.Entry<String, List<String>> e : AREAS.entrySet()) {
      for (String prefix : e.getValue()) {
        if (className.startsWith(prefix)) {
          return e.getKey();
        }
      }
    }
    if (className.startsWith("java.") || className.startsWith("jdk.") || className.startsWith("sun.")) {
      return null; // JDK: counted for its caller
    }
    return "other";
  }

  static void print(Path recording, Instant from, PrintStream out) throws IOException {
    Map<String, Integer> self = new HashMap<>();
    Map<String, Integer> inclusive = new HashMap<>();
    Map<String, Integer> topMethods = new HashMap<>();
    Map<String, Integer> jacksonCallers = new HashMap<>();
    int total = 0;
    try (RecordingFile file = new RecordingFile(recording)) {
      while (file.hasMoreEvents()) {
        RecordedEvent event = file.readEvent();
        if (!event.getEventType().getName().equals("jdk.ExecutionSample") || event.getStartTime().isBefore(from)) {
          continue;
        }
        RecordedStackTrace stack = event.getStackTrace();
        if (stack == null || stack.getFrames().isEmpty()) {
          continue;
        }
        total++;
        List<RecordedFrame> frames = stack.getFrames();
        RecordedFrame top = frames.get(0);
        topMethods.merge(top.getMethod().getType().getName() + "." + top.getMethod().getName(), 1, Integer::sum);
        String selfArea = null;
        Set<String> seen = new HashSet<>();
        for (RecordedFrame frame : frames) {
          String area = areaOf(frame.getMethod().getType().getName());
          if (area != null) {
            if (selfArea == null) {
              selfArea = area;
            }
            seen.add(area);
          }
        }
        self.merge(selfArea == null ? "JDK only (no caller frame recorded)" : selfArea, 1, Integer::sum);
        if ("Jackson".equals(selfArea)) {
          jacksonCallers.merge(callerOutside("Jackson", frames), 1, Integer::sum);
        }
        for (String area : seen) {
          inclusive.merge(area, 1, Integer::sum);
        }
      }
    }
    out.printf("JFR %s: %d execution samples of the server during the timed loop%n", recording, total);
    if (total == 0) {
      return;
    }
    out.println();
    out.println("| area | self (JDK frames counted for their caller) | inclusive (on the stack) |");
    out.println("| --- | --- | --- |");
    final int n = total;
    self.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).forEach(e ->
        out.printf("| %s | %.1f %% | %.1f %% |%n", e.getKey(), 100.0 * e.getValue() / n,
            100.0 * inclusive.getOrDefault(e.getKey(), e.getValue()) / n));
    out.println();
    out.println("Jackson (self) by the first caller outside Jackson and the JDK:");
    jacksonCallers.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(10)
        .forEach(e -> out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / n, e.getKey()));
    out.println();
    out.println("Top frames (self):");
    topMethods.entrySet().stream().sorted(Map.Entry.<String, Integer>comparingByValue().reversed()).limit(15)
        .forEach(e -> out.printf("  %5.1f %%  %s%n", 100.0 * e.getValue() / n, e.getKey()));
  }
}
