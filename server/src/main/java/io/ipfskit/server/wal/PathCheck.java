package io.ipfskit.server.wal;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.files.FileAccessPolicy;
import java.util.function.Supplier;

/**
 * How {@link WalCalls} treats the path arguments of an operation ({@code add} {@code params.path},
 * {@code get}/{@code cat} {@code params.destination}) before it is logged.
 *
 * <ul>
 *   <li>{@link AtCaller} (the MCP edge): the path is checked against the caller's session roots
 *       ({@link FileAccessPolicy#checkRead}/{@link FileAccessPolicy#checkWrite}) and the grant is
 *       recorded with the operation as {@code params.file_access}; a caller sending {@code
 *       file_access} itself is refused like any unknown key.
 *   <li>{@link AtOwner} (the owner socket): the forwarding process sends its grant in {@code
 *       params.file_access}; the owner decodes it and re-checks it at once ({@link
 *       FileAccessPolicy#recheckRead}/{@link FileAccessPolicy#recheckWrite}: the recorded roots,
 *       the owner's home), so a refusal comes back before the operation is logged.
 * </ul>
 */
public sealed interface PathCheck {
  /** The reserved {@code params} key holding the grant. */
  String FILE_ACCESS = "file_access";

  /**
   * @param policy the session's policy, asked for only when a call has a path argument (it may
   *     list the client's roots first)
   */
  record AtCaller(Supplier<FileAccessPolicy> policy) implements PathCheck {
    public AtCaller {
      requireNonNull(policy, "policy");
    }
  }

  /** @param owner a policy of the owner's home; only its home is used (the grant carries the roots) */
  record AtOwner(FileAccessPolicy owner) implements PathCheck {
    public AtOwner {
      requireNonNull(owner, "owner");
    }
  }

  static PathCheck atCaller(Supplier<FileAccessPolicy> policy) {
    return new AtCaller(policy);
  }

  static PathCheck atOwner(FileAccessPolicy owner) {
    return new AtOwner(owner);
  }
}
