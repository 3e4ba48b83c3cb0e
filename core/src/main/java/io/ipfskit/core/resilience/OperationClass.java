package io.ipfskit.core.resilience;

import java.util.Locale;

/**
 * What kind of call a retry policy is for. Each class has its own {@link RetryPolicy} (reference
 * defaults: read 5× from 0.5 s, write 3× from 2 s, pin 10× from 5 s, delete 3× from 1 s linear,
 * list 3× from 1 s; see {@link RetryPolicy#referenceDefault}).
 */
public enum OperationClass {
  /** get / cat: reading content by CID. */
  READ,
  /** add / put: storing content. */
  WRITE,
  /** pin and unpin. */
  PIN,
  /** remove. */
  DELETE,
  /** listing what a backend holds. */
  LIST;

  /** The lower-case name used in configuration keys' documentation and status output. */
  public String wireName() {
    return name().toLowerCase(Locale.ROOT);
  }
}
