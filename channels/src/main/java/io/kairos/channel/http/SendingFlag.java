package io.kairos.channel.http;

import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.nio.ByteBuffer;
import java.util.concurrent.Flow;

/**
 * A request body that notes when the client starts sending it. The JDK client subscribes to the
 * body only once the connection is up and the request headers are written, so a failure before that
 * reached no server (safe to retry) and a failure after may have (ambiguous).
 */
final class SendingFlag implements BodyPublisher {

  private final BodyPublisher body;
  private volatile boolean sending;

  SendingFlag(byte[] bytes) {
    this.body = BodyPublishers.ofByteArray(bytes);
  }

  boolean sending() {
    return sending;
  }

  @Override
  public long contentLength() {
    return body.contentLength();
  }

  @Override
  public void subscribe(Flow.Subscriber<? super ByteBuffer> subscriber) {
    sending = true;
    body.subscribe(subscriber);
  }
}
