package dev.progressive.parallelrun;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/** A publisher for tests: collects results and hands them out one at a time, waiting up to 10 s for each. */
final class Collector implements ResultPublisher {

  private final BlockingQueue<Result<?, ?>> results = new LinkedBlockingQueue<>();
  private final BlockingQueue<Thread> threads = new LinkedBlockingQueue<>();

  @Override
  public void publish(Result<?, ?> result) {
    threads.add(Thread.currentThread());
    results.add(result);
  }

  Result<?, ?> next() throws InterruptedException {
    Result<?, ?> result = results.poll(10, TimeUnit.SECONDS);
    assertThat(result).as("a result within 10 s").isNotNull();
    return result;
  }

  Thread nextThread() throws InterruptedException {
    Thread thread = threads.poll(10, TimeUnit.SECONDS);
    assertThat(thread).as("a publishing thread within 10 s").isNotNull();
    return thread;
  }

  List<Result<?, ?>> next(int count) throws InterruptedException {
    List<Result<?, ?>> out = new ArrayList<>();
    for (int i = 0; i < count; i++) {
      out.add(next());
    }
    return out;
  }

  boolean isEmpty() {
    return results.isEmpty();
  }
}
