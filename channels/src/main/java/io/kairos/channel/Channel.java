package io.kairos.channel;

/**
 * A channel adapter: hands one rendered message to its provider and says what happened. Adapters
 * are small and stateless apart from their connections; the dispatcher owns retries, rate limits,
 * consent and bookkeeping.
 *
 * <p>{@link #send} blocks until the provider answered or the attempt timed out, and never throws
 * for anything the provider or the network did: every result is an {@link Outcome}. A call may come
 * from several threads at once.
 */
public interface Channel extends AutoCloseable {

  /** The channel's name as journeys use it: {@code email}, {@code sms}, {@code push}, ... */
  String name();

  /** Sends one message; the result says whether it went, may be retried, or never will. */
  Outcome send(Delivery delivery);

  /** Closes pooled connections; the default has none. */
  @Override
  default void close() {}
}
