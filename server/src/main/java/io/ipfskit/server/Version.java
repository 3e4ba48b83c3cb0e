package io.ipfskit.server;

/** The version of this build, from the jar manifest's {@code Implementation-Version}. */
public final class Version {

  /** Reported when running from classes rather than the packaged jar. */
  public static final String UNPACKAGED = "0.0.0-dev";

  private Version() {}

  public static String current() {
    String version = Version.class.getPackage().getImplementationVersion();
    return version == null || version.isBlank() ? UNPACKAGED : version;
  }
}
