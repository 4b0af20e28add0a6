package dev.progressive.toggles.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

/**
 * The counts are exact whatever the threads do: more threads than slots, threads that end and are replaced, rows
 * that grow for new counters, and a reader that sums while they count, which must never see a count go down.
 */
class ThreadOwnedCountsTest {

  @Test
  void oneThreadCountsExactlyAcrossManyCountersAndItsRowGrowsForNewOnes() {
    ThreadOwnedCounts counts = new ThreadOwnedCounts();
    List<ThreadOwnedCounts.Counter> counters = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      counters.add(counts.newCounter());
      for (int c = 0; c < counters.size(); c++) {
        counters.get(c).increment();
      }
    }
    for (int c = 0; c < counters.size(); c++) {
      assertThat(counters.get(c).sum()).as("counter %d", c).isEqualTo(100 - c);
    }
    assertThat(counts.ownedRows()).isEqualTo(1);
  }

  @Test
  void threadsThatShareOneSlotCountExactlyThroughTheAdder() throws Exception {
    ThreadOwnedCounts counts = new ThreadOwnedCounts(1, 1);
    assertExactUnderConcurrency(counts, 8, 20_000);
    assertThat(counts.ownedRows()).isEqualTo(1);
  }

  @Test
  void theTableGrowsUntilEveryLiveThreadOwnsARow() throws Exception {
    ThreadOwnedCounts counts = new ThreadOwnedCounts(1, 1024);
    int threads = 12;
    CyclicBarrier allCounted = new CyclicBarrier(threads + 1);
    CountDownLatch release = new CountDownLatch(1);
    ThreadOwnedCounts.Counter counter = counts.newCounter();
    List<Thread> started = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread thread = new Thread(() -> {
        // a thread without a row retries a claim on about one increment in RETRY
        for (int i = 0; i < ThreadOwnedCounts.RETRY * 200; i++) {
          counter.increment();
        }
        await(allCounted);
        awaitLatch(release);
      });
      thread.start();
      started.add(thread);
    }
    await(allCounted);
    // all alive at once: thread ids are distinct, so a table large enough gives each a slot of its own
    assertThat(counts.ownedRows()).isEqualTo(threads);
    assertThat(counter.sum()).isEqualTo((long) threads * ThreadOwnedCounts.RETRY * 200);
    release.countDown();
    for (Thread thread : started) {
      thread.join();
    }
  }

  @Test
  void theRowOfAThreadThatEndedIsFoldedAndItsSlotReusedWithoutLosingACount() throws Exception {
    ThreadOwnedCounts counts = new ThreadOwnedCounts(1, 1);
    ThreadOwnedCounts.Counter a = counts.newCounter();
    ThreadOwnedCounts.Counter b = counts.newCounter();
    Thread first = new Thread(() -> {
      for (int i = 0; i < 1_000; i++) {
        a.increment();
      }
      b.increment();
    });
    first.start();
    first.join();
    assertThat(counts.ownedRows()).isEqualTo(1);

    AtomicReference<Long> readDuring = new AtomicReference<>();
    Thread second = new Thread(() -> {
      for (int i = 0; i < ThreadOwnedCounts.RETRY * 500; i++) {
        a.increment();
        if (i == ThreadOwnedCounts.RETRY * 250) {
          readDuring.set(a.sum());
        }
      }
    });
    second.start();
    second.join();

    assertThat(a.sum()).isEqualTo(1_000 + ThreadOwnedCounts.RETRY * 500L);
    assertThat(b.sum()).isEqualTo(1);
    assertThat(readDuring.get()).isBetween(1_000L + ThreadOwnedCounts.RETRY * 250, 1_000L + ThreadOwnedCounts.RETRY * 500);
  }

  @Test
  void manyMoreThreadsThanSlotsWithThreadsEndingAndReplacedStayExactAndNeverGoDown() throws Exception {
    ThreadOwnedCounts counts = new ThreadOwnedCounts(2, 8);
    for (int round = 0; round < 5; round++) {
      assertExactUnderConcurrency(counts, 24, 5_000);
    }
  }

  @Test
  void slotsMustBePowersOfTwo() {
    assertThatThrownBy(() -> new ThreadOwnedCounts(3, 8)).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("powers of two");
    assertThatThrownBy(() -> new ThreadOwnedCounts(16, 8)).isInstanceOf(IllegalArgumentException.class);
  }

  /**
   * Starts {@code threads} threads that each add {@code perThread} to each of three counters (one of them created
   * while they count), while a reader sums them again and again; the reader must never see a count fall, and the
   * final counts must be exact. Adds to the counts of earlier calls on the same instance.
   */
  private static void assertExactUnderConcurrency(ThreadOwnedCounts counts, int threads, int perThread)
      throws Exception {
    ThreadOwnedCounts.Counter x = counts.newCounter();
    ThreadOwnedCounts.Counter y = counts.newCounter();
    AtomicReference<ThreadOwnedCounts.Counter> late = new AtomicReference<>();
    CyclicBarrier start = new CyclicBarrier(threads + 1);
    CountDownLatch halfway = new CountDownLatch(threads);
    AtomicBoolean done = new AtomicBoolean();
    AtomicReference<String> fell = new AtomicReference<>();
    Thread reader = new Thread(() -> {
      long lastX = 0;
      long lastY = 0;
      while (!done.get()) {
        long nowX = x.sum();
        long nowY = y.sum();
        if (nowX < lastX || nowY < lastY) {
          fell.compareAndSet(null, "x " + lastX + " -> " + nowX + ", y " + lastY + " -> " + nowY);
        }
        lastX = nowX;
        lastY = nowY;
      }
    });
    reader.start();
    List<Thread> workers = new ArrayList<>();
    for (int t = 0; t < threads; t++) {
      Thread worker = new Thread(() -> {
        await(start);
        for (int i = 0; i < perThread; i++) {
          x.increment();
          if (i == perThread / 2) {
            halfway.countDown();
            waitFor(late);
          }
          y.increment();
          ThreadOwnedCounts.Counter z = late.get();
          if (z != null) {
            z.increment();
          }
        }
      });
      worker.start();
      workers.add(worker);
    }
    await(start);
    halfway.await();
    synchronized (late) {
      late.compareAndSet(null, counts.newCounter());
      late.notifyAll();
    }
    for (Thread worker : workers) {
      worker.join();
    }
    done.set(true);
    reader.join();

    assertThat(fell.get()).as("a count went down").isNull();
    assertThat(x.sum()).isEqualTo((long) threads * perThread);
    assertThat(y.sum()).isEqualTo((long) threads * perThread);
    // each thread counted z from the increment after its halfway point, once z existed
    assertThat(late.get().sum()).isEqualTo((long) threads * (perThread - perThread / 2));
  }

  /** Waits until the test has created the late counter. */
  private static void waitFor(AtomicReference<ThreadOwnedCounts.Counter> late) {
    synchronized (late) {
      while (late.get() == null) {
        try {
          late.wait();
        } catch (InterruptedException e) {
          Thread.currentThread().interrupt();
          throw new IllegalStateException(e);
        }
      }
    }
  }

  private static void await(CyclicBarrier barrier) {
    try {
      barrier.await();
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }

  private static void awaitLatch(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }
}
