package io.ipfskit.server.cli;

import java.io.Console;
import java.lang.reflect.Method;

/** Whether a command may prompt a person: a console on a real terminal, and stdin not replaced. */
final class Terminal {
  private Terminal() {}

  /**
   * The console to prompt on without echo, or null when input must come from stdin: stdin is not
   * the process's own (a test or a pipe), or there is no terminal. On Java 22+ {@link System#console()}
   * returns a console even when the streams are redirected, so {@code Console.isTerminal()} decides.
   */
  static Console interactiveConsole(CliContext context) {
    Console console = System.console();
    if (console == null || context.stdin() != System.in) {
      return null;
    }
    try {
      Method isTerminal = Console.class.getMethod("isTerminal");
      return Boolean.TRUE.equals(isTerminal.invoke(console)) ? console : null;
    } catch (NoSuchMethodException e) {
      return console;  // Java 17-21: a non-null console means stdin and stdout are a terminal
    } catch (ReflectiveOperationException e) {
      return null;
    }
  }
}
