package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.VaultException;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Entry point of the {@code ipfs-kit} command line. */
public final class Main {

  /** Exit code for bad configuration or arguments (picocli uses 2 for usage errors too). */
  static final int EXIT_CONFIG = 2;
  static final int EXIT_FAILURE = 1;

  private Main() {}

  public static void main(String[] args) {
    System.exit(run(CliContext.ofProcess(), args));
  }

  /** Runs one command line and returns its exit code; never calls System.exit. */
  public static int run(CliContext context, String... args) {
    if (args.length == 1 && args[0].equals("serve")) {
      // Fast path for what agent hosts run: picocli's classes are Java 5 bytecode, which the CDS
      // archive cannot hold, and parsing costs ~0.1 s of a start-up budget of 0.5 s. The result is
      // the same as picocli calling ServeCommand with its defaults, errors included.
      return handled(context, "serve", () -> new ServeCommand(context).call());
    }
    CommandLine commandLine = new CommandLine(RootCommand.class, new ContextFactory(context));
    commandLine.setOut(new java.io.PrintWriter(context.stdout(), true));
    commandLine.setErr(new java.io.PrintWriter(context.stderr(), true));
    commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
      String command = cl.getCommandName();
      if (e instanceof IllegalArgumentException) {
        context.stderr().println("ipfs-kit " + command + ": configuration error: " + e.getMessage());
        return EXIT_CONFIG;
      }
      if (e instanceof VaultException || e instanceof UncheckedIOException || e instanceof IllegalStateException) {
        context.stderr().println("ipfs-kit " + command + ": " + e.getMessage());
        return EXIT_FAILURE;
      }
      throw e;
    });
    return commandLine.execute(args);
  }

  private static int handled(CliContext context, String command, java.util.concurrent.Callable<Integer> body) {
    try {
      return body.call();
    } catch (IllegalArgumentException e) {
      context.stderr().println("ipfs-kit " + command + ": configuration error: " + e.getMessage());
      return EXIT_CONFIG;
    } catch (VaultException | UncheckedIOException | IllegalStateException e) {
      context.stderr().println("ipfs-kit " + command + ": " + e.getMessage());
      return EXIT_FAILURE;
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      context.stderr().println("ipfs-kit " + command + ": " + e);
      return EXIT_FAILURE;
    }
  }

  /** Creates commands, passing the {@link CliContext} to those whose constructor takes one. */
  private record ContextFactory(CliContext context) implements CommandLine.IFactory {
    @Override
    public <K> K create(Class<K> type) throws Exception {
      for (Constructor<?> constructor : type.getDeclaredConstructors()) {
        Class<?>[] parameters = constructor.getParameterTypes();
        if (parameters.length == 1 && parameters[0] == CliContext.class) {
          constructor.setAccessible(true);
          return type.cast(constructor.newInstance(context));
        }
      }
      return CommandLine.defaultFactory().create(type);
    }
  }
}
