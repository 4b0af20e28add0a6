package dev.progressive.parallelrun.http;

import java.io.ByteArrayOutputStream;
import java.net.http.HttpResponse;
import java.nio.ByteBuffer;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.Flow;

/**
 * Collects a response body up to a cap. Past the cap, or when {@link #abort} is called (at the time limit), it cancels
 * its subscription, which makes the {@link java.net.http.HttpClient} give up the exchange and close an HTTP/1.1
 * connection, and the body completes exceptionally: no more than the cap is ever held.
 */
final class CappedBody implements HttpResponse.BodySubscriber<byte[]> {

  /** The body was larger than the cap. */
  static final class TooLargeException extends java.io.IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(long cap) {
      super("The response body is over the shadow's cap of " + cap + " bytes (maxBodyBytes); it was not compared");
    }
  }

  private final long cap;
  private final CompletableFuture<byte[]> body = new CompletableFuture<>();
  private final ByteArrayOutputStream bytes = new ByteArrayOutputStream();
  private Flow.Subscription subscription;
  private boolean stopped;

  CappedBody(long cap) {
    this.cap = cap;
  }

  @Override
  public CompletionStage<byte[]> getBody() {
    return body;
  }

  @Override
  public void onSubscribe(Flow.Subscription subscription) {
    boolean cancel;
    synchronized (this) {
      this.subscription = subscription;
      cancel = stopped;
    }
    if (cancel) {
      subscription.cancel();
    } else {
      subscription.request(Long.MAX_VALUE);
    }
  }

  @Override
  public void onNext(List<ByteBuffer> buffers) {
    Flow.Subscription cancel = null;
    synchronized (this) {
      if (stopped) {
        return;
      }
      for (ByteBuffer buffer : buffers) {
        if (bytes.size() + (long) buffer.remaining() > cap) {
          stopped = true;
          cancel = subscription;
          bytes.reset();
          break;
        }
        byte[] chunk = new byte[buffer.remaining()];
        buffer.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }
    if (cancel != null) {
      cancel.cancel();
      body.completeExceptionally(new TooLargeException(cap));
    }
  }

  @Override
  public void onError(Throwable error) {
    synchronized (this) {
      stopped = true;
      bytes.reset();
    }
    body.completeExceptionally(error);
  }

  @Override
  public void onComplete() {
    byte[] done;
    synchronized (this) {
      if (stopped) {
        return;
      }
      stopped = true;
      done = bytes.toByteArray();
      bytes.reset();
    }
    body.complete(done);
  }

  /** Gives up: cancels the subscription (now, or as soon as there is one) and drops what was read. */
  void abort(Throwable why) {
    Flow.Subscription cancel;
    synchronized (this) {
      stopped = true;
      cancel = subscription;
      bytes.reset();
    }
    if (cancel != null) {
      cancel.cancel();
    }
    body.completeExceptionally(why);
  }
}
