package io.ipfskit.server.cli;

/** Entry point of the {@code ipfs-kit} command line. */
public final class Main {
  private Main() {}

  public static void main(String[] args) {
    System.err.println("ipfs-kit: not built yet");
    System.exit(1);
  }
}
