package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

/**
 * One piece of advice of the performance report.
 *
 * @param area {@code pool}, {@code cache}, {@code breaker}, {@code health}, {@code wal} or {@code leak}
 * @param subject what it is about ({@code ipfs}, {@code content}, ...)
 * @param severity {@code info} (could be better) or {@code warning} (hurting now)
 * @param advice what was seen and what to change, with the figures
 */
public record Recommendation(String area, String subject, String severity, String advice) {
  public Recommendation {
    requireNonNull(area, "area");
    requireNonNull(subject, "subject");
    requireNonNull(advice, "advice");
    if (!severity.equals("info") && !severity.equals("warning"))
      throw new IllegalArgumentException("severity must be info or warning, but was " + severity);
  }
}
