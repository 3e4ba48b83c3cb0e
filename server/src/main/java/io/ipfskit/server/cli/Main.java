package io.ipfskit.server.cli;

import io.ipfskit.core.secrets.SecretValidationException;
import io.ipfskit.core.secrets.VaultException;
import java.io.PrintWriter;
import java.io.UncheckedIOException;
import java.lang.reflect.Constructor;
import picocli.CommandLine;

/** Entry point of the {@code ipfs-kit} command line. */
public final class Main {

  /*
   * Exit codes, the same for every command (README "Command line" lists them per command):
   * 0 the command did what it says; 1 it ran and failed (vault cannot be opened, wrong password,
   * unknown or expired secret, a migration error, a broken audit chain, an I/O error); 2 it did not
   * run because the command line or the configuration is wrong (unknown option, bad value, missing
   * argument, invalid IPFS_KIT_* setting). One command adds a code of its own: `wal wait` exits 3
   * when the operation is still running at --timeout, so a script can tell "not yet" from "failed".
   */
  static final int EXIT_OK = 0;
  static final int EXIT_FAILURE = 1;
  /** Bad command line: an option, argument or input value breaks a rule. */
  static final int EXIT_USAGE = 2;
  /** Bad configuration (IPFS_KIT_* or config.properties): the same code as a usage error. */
  static final int EXIT_CONFIG = EXIT_USAGE;

  /** For {@code exitCodeList} in {@code @Command}: the help of every command lists its codes. */
  static final String EXIT_CODES_HEADING = "%nExit codes:%n";
  static final String EXIT_CODE_OK = "0:Success.";
  static final String EXIT_CODE_FAILURE = "1:Failure: the command ran and did not succeed (the message says why).";
  static final String EXIT_CODE_USAGE = "2:Usage or configuration error: nothing was done.";

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
    // A usage error (from the parser, or a command's own check of its input) is one line naming
    // the option and the rule, and a pointer to --help; not the whole usage text.
    commandLine.setParameterExceptionHandler((e, rejected) -> {
      CommandLine cl = e.getCommandLine();
      String command = cl.getCommandSpec().qualifiedName();
      PrintWriter err = cl.getErr();
      if (e instanceof CommandLine.UnmatchedArgumentException && cl.getCommand() instanceof SecretsStoreCommand) {
        // Most likely the value itself, typed on the command line: do not echo it.
        err.println(command + ": takes no argument besides its options; the secret value is read from a prompt"
            + " or stdin, never from the command line. Nothing was stored.");
        err.println("Try '" + command + " --help' for more information.");
        return EXIT_USAGE;
      }
      err.println(command + ": " + CliWording.forCli(e.getMessage()));
      CommandLine.UnmatchedArgumentException.printSuggestions(e, err);
      err.println("Try '" + command + " --help' for more information.");
      return EXIT_USAGE;
    });
    commandLine.setExecutionExceptionHandler((e, cl, parseResult) -> {
      String command = cl.getCommandSpec().qualifiedName();
      if (e instanceof SecretValidationException invalid) {
        // Input the vault rejects (a malformed id, a value breaking its type's rule): a usage error.
        context.stderr().println(command + ": " + CliWording.forCli(invalid));
        return EXIT_USAGE;
      }
      if (e instanceof IllegalArgumentException) {
        context.stderr().println(command + ": configuration error: " + e.getMessage());
        return EXIT_CONFIG;
      }
      if (e instanceof VaultException || e instanceof UncheckedIOException || e instanceof IllegalStateException) {
        context.stderr().println(command + ": " + CliWording.forCli(e.getMessage()));
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
  record ContextFactory(CliContext context) implements CommandLine.IFactory {
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
