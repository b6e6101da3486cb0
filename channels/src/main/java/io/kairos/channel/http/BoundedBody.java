package io.kairos.channel.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse.BodySubscriber;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * Keeps the first {@code cap} bytes of a response body and then cancels the subscription, which
 * makes the client close the connection instead of reading (or buffering) the rest. A body still
 * arriving at the deadline is cancelled too: the client's own request timeout stops at the response
 * head.
 */
final class BoundedBody implements BodySubscriber<BoundedBody.Bytes> {

  record Bytes(byte[] bytes, boolean truncated) {}

  private final int cap;
  private final long deadline;
  private final ByteArrayOutputStream kept = new ByteArrayOutputStream();
  private final CompletableFuture<Bytes> result = new CompletableFuture<>();
  private volatile Flow.Subscription subscription;

  /**
   * @param deadline {@link System#nanoTime()} by which the whole body must have arrived
   */
  BoundedBody(int cap, long deadline) {
    this.cap = cap;
    this.deadline = deadline;
  }

  @Override
  public CompletionStage<Bytes> getBody() {
    return result;
  }

  @Override
  public void onSubscribe(Flow.Subscription s) {
    subscription = s;
    long left = Math.max(deadline - System.nanoTime(), TimeUnit.MILLISECONDS.toNanos(1));
    // orTimeout drops its timer when the body completes first, so none pile up under load.
    result
        .orTimeout(left, TimeUnit.NANOSECONDS)
        .whenComplete(
            (bytes, e) -> {
              if (e instanceof TimeoutException) {
                s.cancel();
              }
            });
    s.request(Long.MAX_VALUE);
  }

  @Override
  public void onNext(List<ByteBuffer> items) {
    if (result.isDone()) {
      return;
    }
    for (ByteBuffer b : items) {
      int room = cap - kept.size();
      int n = Math.min(room, b.remaining());
      byte[] part = new byte[n];
      b.get(part);
      kept.write(part, 0, n);
      if (b.hasRemaining()) {
        subscription.cancel();
        result.complete(new Bytes(kept.toByteArray(), true));
        return;
      }
    }
  }

  @Override
  public void onError(Throwable t) {
    result.completeExceptionally(t);
  }

  @Override
  public void onComplete() {
    result.complete(new Bytes(kept.toByteArray(), false));
  }
}
