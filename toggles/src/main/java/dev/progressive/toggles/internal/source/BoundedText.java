package dev.progressive.toggles.internal.source;

import dev.progressive.toggles.internal.definition.FlagSetParser;
import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Reads a flag document's text with a cap in bytes, so that a huge file or HTTP body is refused while it is read,
 * before it is held whole in memory. The cap is the parser's own document limit: nothing larger could be accepted.
 */
public final class BoundedText {

  /** The most bytes a flag document may have: the parser's limit for a JSON document, in characters. */
  public static final int MAX_BYTES = FlagSetParser.MAX_JSON_CHARS;

  private BoundedText() {}

  /** A file's text as UTF-8, or an {@link IOException} naming the file and the cap when it holds more. */
  public static String read(Path file) throws IOException {
    try (InputStream in = Files.newInputStream(file)) {
      return read(in, file.toString());
    }
  }

  /**
   * The text of a stream as UTF-8, reading at most one byte past the cap.
   *
   * @param in the stream, closed by the caller
   * @param what what is read, for the error: a file or a URL
   */
  public static String read(InputStream in, String what) throws IOException {
    byte[] bytes = in.readNBytes(MAX_BYTES + 1);
    if (bytes.length > MAX_BYTES) {
      throw new TooLargeException(what, MAX_BYTES);
    }
    return new String(bytes, StandardCharsets.UTF_8);
  }

  /**
   * A body handler that keeps at most {@link #MAX_BYTES} of the body as UTF-8 text. A larger body fails with
   * {@link TooLargeException} as soon as it passes the cap, and its subscription is cancelled, which aborts the
   * exchange; nothing past the cap is held.
   *
   * @param what what is read, for the error: a URL
   */
  public static HttpResponse.BodyHandler<String> handler(String what) {
    return info -> new CappedSubscriber(what, MAX_BYTES);
  }

  /** Whether a failure, or any of its causes, is a body or file over the cap: reading it again will not help. */
  public static boolean tooLarge(Throwable e) {
    for (Throwable t = e; t != null; t = t.getCause()) {
      if (t instanceof TooLargeException) {
        return true;
      }
    }
    return false;
  }

  /** A document larger than {@link #MAX_BYTES}. */
  public static final class TooLargeException extends IOException {
    private static final long serialVersionUID = 1L;

    TooLargeException(String what, long max) {
      super(what + " holds more than " + max + " bytes, the most a flag document may have; it was not read further");
    }
  }

  /** Collects a body up to a cap; past it, cancels the subscription and fails. */
  static final class CappedSubscriber implements HttpResponse.BodySubscriber<String> {
    private final String what;
    private final long max;
    private final java.util.concurrent.CompletableFuture<String> result = new java.util.concurrent.CompletableFuture<>();
    private final java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    private java.util.concurrent.Flow.Subscription subscription;

    CappedSubscriber(String what, long max) {
      this.what = what;
      this.max = max;
    }

    @Override
    public java.util.concurrent.CompletionStage<String> getBody() {
      return result;
    }

    @Override
    public void onSubscribe(java.util.concurrent.Flow.Subscription subscription) {
      this.subscription = subscription;
      subscription.request(Long.MAX_VALUE);
    }

    @Override
    public void onNext(java.util.List<java.nio.ByteBuffer> items) {
      if (result.isDone()) {
        return;
      }
      for (java.nio.ByteBuffer item : items) {
        if (bytes.size() + (long) item.remaining() > max) {
          subscription.cancel();
          result.completeExceptionally(new TooLargeException(what, max));
          return;
        }
        byte[] chunk = new byte[item.remaining()];
        item.get(chunk);
        bytes.write(chunk, 0, chunk.length);
      }
    }

    @Override
    public void onError(Throwable throwable) {
      result.completeExceptionally(throwable);
    }

    @Override
    public void onComplete() {
      result.complete(new String(bytes.toByteArray(), StandardCharsets.UTF_8));
    }
  }
}
