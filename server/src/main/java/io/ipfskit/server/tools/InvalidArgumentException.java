package io.ipfskit.server.tools;

/** A tool argument broke its rule; the message names the argument and never holds its value. */
public final class InvalidArgumentException extends RuntimeException {

  private static final long serialVersionUID = 1L;
  private final String argument;

  public InvalidArgumentException(String argument, String message) {
    super(message, null, false, false);
    this.argument = argument;
  }

  /** The offending argument's name, or null when the arguments as a whole are wrong. */
  public String argument() {
    return argument;
  }
}
