package io.ipfskit.server.http;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.config.ConfigException;
import io.ipfskit.core.config.Setting;
import io.ipfskit.core.config.SettingSource;
import io.ipfskit.core.config.Settings;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Optional;
import java.util.Set;
import java.util.regex.Pattern;

/**
 * The HTTP server's settings ({@code serve --http}), parsed from the kit's configuration; the
 * command line's options override them.
 *
 * <p>The token is never shown: {@link #toString()} redacts it and no error message repeats it.
 *
 * @param bind the address to listen on (an IP literal or a host name)
 * @param port the TCP port; 0 picks a free one
 * @param token the bearer token given by {@code IPFS_KIT_HTTP_TOKEN}, if any
 * @param tokenFile the file holding the token ({@code IPFS_KIT_HTTP_TOKEN_FILE}), if any; read by {@link #readToken}
 * @param tokenFileSource where the token file setting came from (for messages), or null
 * @param corsOrigins the origins a cross-origin browser page may call from ({@code scheme://host[:port]})
 * @param allowedHosts extra {@code Host} header values accepted besides the bind address's own
 * @param sessionIdle how long an MCP session may stay idle before it is swept
 */
public record HttpConfig(String bind, int port, Optional<String> token, Optional<Path> tokenFile,
    SettingSource tokenFileSource, List<String> corsOrigins, List<String> allowedHosts, Duration sessionIdle) {

  public static final String DEFAULT_BIND = "127.0.0.1";
  public static final int DEFAULT_PORT = 8787;
  /** Shortest accepted token: 128 bits of hex or base64url. */
  public static final int MIN_TOKEN_CHARS = 22;

  private static final Pattern ORIGIN = Pattern.compile("https?://[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|https?://\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  private static final Pattern HOST = Pattern.compile("[A-Za-z0-9.\\-]+(:[0-9]{1,5})?|\\[[0-9A-Fa-f:.]+\\](:[0-9]{1,5})?");
  private static final Pattern TOKEN_CHARS = Pattern.compile("[A-Za-z0-9._~+/=\\-]+");

  public static final Setting<String> BIND = new Setting<>("IPFS_KIT_HTTP_BIND",
      "an IP address or host name without spaces", DEFAULT_BIND,
      "address serve --http listens on; anything but a loopback address is reachable from the network (a warning"
          + " is printed)", raw -> {
        String t = raw.trim();
        if (t.isEmpty() || t.chars().anyMatch(Character::isWhitespace)) throw new IllegalArgumentException("bad");
        return t;
      });
  public static final Setting<Integer> PORT = Setting.integer("IPFS_KIT_HTTP_PORT", 0, 65535, "TCP port, 0 = any free",
      DEFAULT_PORT, "port serve --http listens on");
  public static final Setting<String> TOKEN = new Setting<>("IPFS_KIT_HTTP_TOKEN",
      "at least " + MIN_TOKEN_CHARS + " characters from A-Z a-z 0-9 . _ ~ + / = -", "generated at start",
      "bearer token every HTTP request must carry (Authorization: Bearer ...); unset: a random one is generated and"
          + " printed on stderr with the dashboard URL", HttpConfig::parseToken);
  public static final Setting<String> TOKEN_FILE = Setting.text("IPFS_KIT_HTTP_TOKEN_FILE",
      "the path of a file holding the token, readable by its owner only (0600 or 0400)", "unset",
      "file whose content is the HTTP bearer token (preferred over the variable); a trailing line break is dropped");
  public static final Setting<List<String>> CORS_ORIGINS = new Setting<>("IPFS_KIT_HTTP_CORS_ORIGINS",
      "origins separated by ',' each written scheme://host[:port] (http or https, no path, no '*')", "none",
      "browser origins (other than the server's own) whose pages may call the HTTP API; never a wildcard",
      raw -> parseList(raw, ORIGIN));
  public static final Setting<List<String>> ALLOWED_HOSTS = new Setting<>("IPFS_KIT_HTTP_ALLOWED_HOSTS",
      "host[:port] values separated by ','", "the bind address's own",
      "extra Host header values accepted (e.g. a DNS name of a non-loopback bind); any other Host is answered 421",
      raw -> parseList(raw, HOST));
  public static final Setting<Duration> SESSION_IDLE = Setting.seconds("IPFS_KIT_HTTP_SESSION_IDLE_SECONDS",
      Duration.ofSeconds(10), Duration.ofDays(1), Duration.ofMinutes(30),
      "an MCP session over HTTP without any request for this long (up to twice as long) is closed; its client"
          + " then gets 404 and initializes again");

  /** The HTTP settings, in documentation order. */
  public static final List<Setting<?>> SETTINGS = List.of(BIND, PORT, TOKEN, TOKEN_FILE, CORS_ORIGINS, ALLOWED_HOSTS,
      SESSION_IDLE);

  public HttpConfig {
    requireNonNull(bind, "bind");
    requireNonNull(token, "token");
    requireNonNull(tokenFile, "tokenFile");
    corsOrigins = List.copyOf(corsOrigins);
    allowedHosts = List.copyOf(allowedHosts);
    requireNonNull(sessionIdle, "sessionIdle");
    if (port < 0 || port > 65535) throw new IllegalArgumentException("port must be 0 to 65535, but was " + port);
    if (token.isPresent() && tokenFile.isPresent()) {
      throw new IllegalArgumentException("set only one of " + TOKEN.name() + " and " + TOKEN_FILE.name());
    }
  }

  /**
   * Parses the HTTP settings (each checked against its rule) from the kit's configuration.
   *
   * @throws ConfigException naming the setting, its source and the rule (never the token)
   */
  public static HttpConfig from(Settings settings) {
    requireNonNull(settings, "settings");
    Optional<String> token = settings.find(TOKEN);
    Optional<String> tokenFile = settings.find(TOKEN_FILE);
    if (token.isPresent() && tokenFile.isPresent()) {
      throw new ConfigException(TOKEN.name(), settings.source(TOKEN.name()), "set only one of " + TOKEN.name()
          + " and " + TOKEN_FILE.name() + " (the file is set from " + settings.source(TOKEN_FILE.name()) + ")");
    }
    return new HttpConfig(settings.get(BIND, DEFAULT_BIND), settings.get(PORT, DEFAULT_PORT), token,
        tokenFile.map(Path::of), tokenFile.isPresent() ? settings.source(TOKEN_FILE.name()) : null,
        settings.get(CORS_ORIGINS, List.of()), settings.get(ALLOWED_HOSTS, List.of()),
        settings.get(SESSION_IDLE, Duration.ofMinutes(30)));
  }

  /**
   * The configured token: the variable's, or the token file's content (which must be readable by its
   * owner only, like an SSH key); empty when neither is set (the server then generates one).
   *
   * @throws ConfigException naming {@code IPFS_KIT_HTTP_TOKEN_FILE} when the file is unreadable, too open or
   *     holds no valid token (never its content)
   */
  public Optional<String> readToken() {
    if (token.isPresent() || tokenFile.isEmpty()) return token;
    Path file = tokenFile.get();
    SettingSource from = tokenFileSource == null ? SettingSource.environment() : tokenFileSource;
    try {
      if (file.getFileSystem().supportedFileAttributeViews().contains("posix")) {
        Set<PosixFilePermission> perms = Files.getPosixFilePermissions(file);
        Set<PosixFilePermission> open = EnumSet.of(PosixFilePermission.GROUP_READ, PosixFilePermission.GROUP_WRITE,
            PosixFilePermission.OTHERS_READ, PosixFilePermission.OTHERS_WRITE);
        open.retainAll(perms);
        if (!open.isEmpty()) {
          throw new ConfigException(TOKEN_FILE.name(), from, "must name a file readable by its owner only (chmod 600 "
              + file + "), but group or others may read or write it");
        }
      }
      String text = Files.readString(file, StandardCharsets.UTF_8);
      int end = text.length();
      while (end > 0 && (text.charAt(end - 1) == '\n' || text.charAt(end - 1) == '\r')) end--;
      try {
        return Optional.of(parseToken(text.substring(0, end)));
      } catch (IllegalArgumentException e) {
        throw new ConfigException(TOKEN_FILE.name(), from, "must name a file holding " + TOKEN.rule() + ", but "
            + file + " does not");
      }
    } catch (IOException e) {
      throw new ConfigException(TOKEN_FILE.name(), from, "must name a readable file, but " + file
          + " could not be read: " + e.getClass().getSimpleName());
    }
  }

  /** This configuration with the command line's overrides (null keeps the configured value). */
  public HttpConfig withOverrides(String bindOrNull, Integer portOrNull, List<String> corsOrNull,
      List<String> hostsOrNull) {
    String b = bind;
    if (bindOrNull != null) {
      try {
        b = BIND.parser().apply(bindOrNull);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--bind must be " + BIND.rule());
      }
    }
    if (portOrNull != null && (portOrNull < 0 || portOrNull > 65535)) {
      throw new IllegalArgumentException("--port must be " + PORT.rule() + ", but was " + portOrNull);
    }
    List<String> cors = corsOrigins;
    if (corsOrNull != null && !corsOrNull.isEmpty()) {
      try {
        cors = parseList(String.join(",", corsOrNull), ORIGIN);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--cors-origin: " + e.getMessage() + "; each must be " + CORS_ORIGINS.rule());
      }
    }
    List<String> hosts = allowedHosts;
    if (hostsOrNull != null && !hostsOrNull.isEmpty()) {
      try {
        hosts = parseList(String.join(",", hostsOrNull), HOST);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException("--allowed-host: " + e.getMessage() + "; each must be " + ALLOWED_HOSTS.rule());
      }
    }
    return new HttpConfig(b, portOrNull == null ? port : portOrNull, token, tokenFile, tokenFileSource, cors, hosts,
        sessionIdle);
  }

  /** Splits a list at commas and checks each entry against {@code each} (no wildcard). */
  static List<String> parseList(String raw, Pattern each) {
    List<String> out = new ArrayList<>();
    String[] parts = raw.split(",", -1);
    for (int i = 0; i < parts.length; i++) {
      String p = parts[i].trim();
      if (p.isEmpty() || p.contains("*") || !each.matcher(p).matches()) {
        throw new IllegalArgumentException("entry " + (i + 1) + " is not of the form the rule gives");
      }
      out.add(p.toLowerCase(java.util.Locale.ROOT));
    }
    return List.copyOf(out);
  }

  static String parseToken(String raw) {
    if (raw.length() < MIN_TOKEN_CHARS || !TOKEN_CHARS.matcher(raw).matches()) {
      throw new IllegalArgumentException("not a usable token");
    }
    return raw;
  }

  @Override
  public String toString() {
    return "HttpConfig[bind=" + bind + ", port=" + port + ", token=" + (token.isPresent() ? "[redacted]" : "unset")
        + ", tokenFile=" + tokenFile.map(Path::toString).orElse("unset") + ", corsOrigins=" + corsOrigins
        + ", allowedHosts=" + allowedHosts + ", sessionIdle=" + sessionIdle + "]";
  }
}
