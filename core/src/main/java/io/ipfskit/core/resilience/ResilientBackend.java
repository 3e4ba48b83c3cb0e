package io.ipfskit.core.resilience;

import static java.util.Objects.requireNonNull;

import io.ipfskit.core.storage.ForwardingBackend;
import io.ipfskit.core.storage.StorageBackend;
import io.ipfskit.core.storage.StorageException;
import io.ipfskit.core.storage.StoredContent;
import java.io.InputStream;
import java.io.OutputStream;
import java.time.Duration;
import java.util.function.LongSupplier;

/**
 * A backend behind its breaker, recovery ramp and adaptive in-flight limit. Each data call, in order:
 * the breaker's and the ramp's admission ({@link Breaker#acquire}), a slot under the limit ({@link
 * AimdLimit#tryAcquire}), the call itself timed with the injected ticker, then its outcome to both.
 * A refused call throws {@link CallRejectedException} ({@code UNAVAILABLE}) without reaching the
 * backend. It never retries: the write-ahead log retries durably and {@link Resilience#retrying}
 * retries in process; retrying here too would multiply attempts.
 *
 * <p>{@link #health()} and {@link #close()} go straight to the backend (the health schedule must see
 * the backend itself, also while the breaker is open).
 */
final class ResilientBackend extends ForwardingBackend {
  private final Breaker breaker;
  private final AimdLimit limit;
  private final LongSupplier nanos;

  ResilientBackend(StorageBackend backend, Breaker breaker, AimdLimit limit, LongSupplier nanos) {
    super(backend);
    this.breaker = requireNonNull(breaker, "breaker");
    this.limit = requireNonNull(limit, "limit");
    this.nanos = requireNonNull(nanos, "nanos");
  }

  /** Runs one call under the breaker, ramp and limit. */
  <T> T guarded(StorageCall<T> call) throws StorageException {
    breaker.acquire();
    if (!limit.tryAcquire()) {
      breaker.release();
      throw new CallRejectedException(delegate.name() + " has " + limit.inFlight() + " calls in flight, at its adaptive"
          + " limit of " + limit.limit() + "; call refused without contacting the backend",
          CallRejectedException.Reason.CONCURRENCY_LIMIT, Duration.ZERO);
    }
    long start = nanos.getAsLong();
    Throwable failure = null;
    try {
      return call.call();
    } catch (StorageException | RuntimeException | Error e) {
      failure = e;
      throw e;
    } finally {
      long took = nanos.getAsLong() - start;
      breaker.onResult(took, failure);
      limit.release(took, Breaker.classify(failure) == Breaker.Outcome.FAILURE);
    }
  }

  @Override
  public StoredContent add(InputStream content) throws StorageException {
    return guarded(() -> delegate.add(content));
  }

  @Override
  public void get(String cid, OutputStream out) throws StorageException {
    guarded(() -> {
      delegate.get(cid, out);
      return null;
    });
  }

  @Override
  public void pin(String cid) throws StorageException {
    guarded(() -> {
      delegate.pin(cid);
      return null;
    });
  }

  @Override
  public void unpin(String cid) throws StorageException {
    guarded(() -> {
      delegate.unpin(cid);
      return null;
    });
  }

  @Override
  public void remove(String cid) throws StorageException {
    guarded(() -> {
      delegate.remove(cid);
      return null;
    });
  }

  @Override
  public String toString() {
    return "ResilientBackend[" + delegate.name() + "]";
  }
}
