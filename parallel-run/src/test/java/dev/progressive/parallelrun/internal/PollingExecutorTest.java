package dev.progressive.parallelrun.internal;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

class PollingExecutorTest {

  private static final Duration POLL = Duration.ofMillis(1);
  private final List<PollingExecutor> executors = new ArrayList<>();

  @AfterEach
  void shutDown() {
    for (PollingExecutor executor : executors) {
      executor.shutdownNow();
      assertThat(executor.awaitTermination(Duration.ofSeconds(5))).isTrue();
    }
  }

  private PollingExecutor executor(int threads, int capacity, Duration poll, Duration maxIdlePark, Parker parker) {
    AtomicInteger count = new AtomicInteger();
    PollingExecutor executor = new PollingExecutor(threads, capacity, poll, maxIdlePark, r -> {
      Thread t = new Thread(r, "polling-executor-test-" + count.getAndIncrement());
      t.setDaemon(true);
      return t;
    }, parker);
    executors.add(executor);
    return executor;
  }

  private static void await(CountDownLatch latch, String what) throws InterruptedException {
    assertThat(latch.await(10, TimeUnit.SECONDS)).as(what).isTrue();
  }

  // ---- controlled interleavings: every park lasts until the test ends it or a caller wakes the thread ----------

  /**
   * Two threads, both deeply parked after a first task; then a task wakes one of them (the only wake-up the test
   * allows), which polls once it is done. Returns that polling thread and the deeply parked one, each in its park.
   */
  private static Park[] onePollingOneDeep(PollingExecutor executor, DrivenParker parker) throws Exception {
    CountDownLatch first = new CountDownLatch(1);
    executor.execute(first::countDown);
    await(first, "the first task to run");
    assertThat(parker.unparks.get()).as("threads that have not started poll at once: nobody is woken").isZero();
    // Both threads park for one poll interval (polling); ending those parks sends both into deep parks.
    Park a = parker.next();
    Park b = parker.next();
    assertThat(List.of(a.nanos(), b.nanos())).containsOnly(POLL.toNanos());
    parker.end(a);
    parker.end(b);
    Park deepA = parker.next();
    Park deepB = parker.next();
    assertThat(List.of(deepA.nanos(), deepB.nanos())).containsOnly(2 * POLL.toNanos());
    assertThat(executor.state(0)).isEqualTo(PollingExecutor.DEEP);
    assertThat(executor.state(1)).isEqualTo(PollingExecutor.DEEP);

    // No thread polls: the caller wakes one, which runs the task and then polls for one interval.
    CountDownLatch second = new CountDownLatch(1);
    executor.execute(second::countDown);
    await(second, "the task that woke a deeply parked thread");
    assertThat(parker.unparks.get()).isEqualTo(1);
    Park polling = parker.next();
    assertThat(polling.nanos()).isEqualTo(POLL.toNanos());
    Park deep = polling.thread() == deepA.thread() ? deepB : deepA;
    assertThat(executor.state(indexOf(polling))).isEqualTo(PollingExecutor.POLLING);
    assertThat(executor.state(indexOf(deep))).isEqualTo(PollingExecutor.DEEP);
    return new Park[] {polling, deep};
  }

  private static int indexOf(Park park) {
    return park.thread().getName().endsWith("-0") ? 0 : 1;
  }

  @Test
  void aCallerWhoFindsAThreadPollingWakesNoneAndThePollingThreadTakesTheTask() throws Exception {
    DrivenParker parker = new DrivenParker();
    PollingExecutor executor = executor(2, 4, POLL, Duration.ofSeconds(60), parker);
    Park[] parks = onePollingOneDeep(executor, parker);

    CountDownLatch ran = new CountDownLatch(1);
    executor.execute(ran::countDown);
    assertThat(parker.unparks.get()).as("no wake-up while a thread polls").isEqualTo(1);
    assertThat(ran.getCount()).as("the task waits for the polling thread's next look").isEqualTo(1);
    assertThat(executor.queueSize()).isEqualTo(1);

    parker.end(parks[0]);
    await(ran, "the polling thread to take the task");
    assertThat(parker.unparks.get()).isEqualTo(1);
    assertThat(executor.state(indexOf(parks[1]))).as("the deeply parked thread was left alone")
        .isEqualTo(PollingExecutor.DEEP);
  }

  @Test
  void aTaskLeftToAPollingThreadThatTakesAnotherIsNotStuckWhileTheOtherThreadParks() throws Exception {
    DrivenParker parker = new DrivenParker();
    PollingExecutor executor = executor(2, 4, POLL, Duration.ofSeconds(60), parker);
    Park[] parks = onePollingOneDeep(executor, parker);

    CountDownLatch firstStarted = new CountDownLatch(1);
    CountDownLatch releaseFirst = new CountDownLatch(1);
    CountDownLatch secondRan = new CountDownLatch(1);
    executor.execute(() -> {
      firstStarted.countDown();
      awaitQuietly(releaseFirst);
    });
    executor.execute(secondRan::countDown);
    assertThat(parker.unparks.get()).as("both callers left their task to the polling thread").isEqualTo(1);

    // The polling thread takes the first task and blocks in it; the second must not wait for it, nor for the other
    // thread's 60 s park: the polling thread, leaving its idle state with a task still queued, wakes the other.
    parker.end(parks[0]);
    await(firstStarted, "the polling thread to take the first task");
    await(secondRan, "the second task to run while the first blocks");
    assertThat(parker.unparks.get()).isEqualTo(2);
    releaseFirst.countDown();
  }

  @Test
  void aDeeplyParkedThreadIsWokenWhenNoThreadPolls() throws Exception {
    DrivenParker parker = new DrivenParker();
    PollingExecutor executor = executor(2, 4, POLL, Duration.ofSeconds(60), parker);
    Park[] parks = onePollingOneDeep(executor, parker);
    // The polling thread's park ends with nothing to do: it announces a deep park, looks once more, and parks long.
    parker.end(parks[0]);
    assertThat(parker.next().nanos()).isEqualTo(2 * POLL.toNanos());

    CountDownLatch ran = new CountDownLatch(1);
    executor.execute(ran::countDown);
    await(ran, "a deeply parked thread to be woken for the task");
    assertThat(parker.unparks.get()).isEqualTo(2);
  }

  @Test
  void aTaskQueuedJustBeforeAThreadAnnouncesItsDeepParkIsSeenByItsLastLook() throws Exception {
    DrivenParker parker = new DrivenParker();
    PollingExecutor executor = executor(1, 2, POLL, Duration.ofSeconds(60), parker);
    CountDownLatch first = new CountDownLatch(1);
    executor.execute(first::countDown);
    await(first, "the first task");
    Park polling = parker.next();
    assertThat(polling.nanos()).isEqualTo(POLL.toNanos());

    // The thread's poll park ends, it finds nothing, and stops just before announcing a deep park.
    CountDownLatch[] hold = parker.holdNextAnnouncement();
    parker.end(polling);
    await(hold[0], "the thread to reach its announcement");
    // The caller queues now: it still sees the thread polling, so it wakes nobody.
    CountDownLatch ran = new CountDownLatch(1);
    executor.execute(ran::countDown);
    assertThat(parker.unparks.get()).isZero();
    // The thread announces its deep park and looks once more before parking: it finds the task.
    hold[1].countDown();
    await(ran, "the thread's last look before its deep park to find the task");
    assertThat(parker.unparks.get()).isZero();
  }

  @Test
  void aTaskRunsItsLastStepOnceItsThreadPollsAgainEvenWhenItThrows() throws Exception {
    DrivenParker parker = new DrivenParker();
    PollingExecutor executor = executor(1, 2, POLL, Duration.ofSeconds(60), parker);
    AtomicReference<Integer> stateAtLastStep = new AtomicReference<>();
    AtomicInteger lastSteps = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(1);
    class Failing implements Runnable, AfterRun {
      @Override
      public void run() {
        throw new IllegalStateException("the task fails");
      }

      @Override
      public void afterRun() {
        stateAtLastStep.set(executor.state(0));
        lastSteps.incrementAndGet();
        done.countDown();
      }
    }
    executor.execute(new Failing());
    await(done, "the last step");
    assertThat(stateAtLastStep.get()).isEqualTo(PollingExecutor.POLLING);
    Park polling = parker.next();
    CountDownLatch next = new CountDownLatch(1);
    executor.execute(next::countDown);
    parker.end(polling);
    await(next, "the thread to live on after a failing task");
    assertThat(lastSteps.get()).isEqualTo(1);
  }

  // ---- bounds --------------------------------------------------------------------------------------------------

  @Test
  void theQueueIsBoundedAndARejectionLosesNoPlace() throws Exception {
    PollingExecutor executor = executor(2, 4, POLL, Duration.ofMillis(50), Parker.LOCK_SUPPORT);
    CountDownLatch release = new CountDownLatch(1);
    CountDownLatch bothBusy = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      executor.execute(() -> {
        bothBusy.countDown();
        awaitQuietly(release);
      });
    }
    await(bothBusy, "both threads to take a task");
    CountDownLatch queued = new CountDownLatch(4);
    for (int i = 0; i < 4; i++) {
      executor.execute(queued::countDown);
    }
    for (int i = 0; i < 3; i++) {
      assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
          .hasMessageContaining("4 tasks");
    }
    assertThat(executor.queueSize()).isEqualTo(4);
    assertThat(executor.highWaterMark()).isEqualTo(4);
    release.countDown();
    await(queued, "the four queued tasks to run");
    // Rejections took no place: the queue takes four again.
    CountDownLatch again = new CountDownLatch(4);
    CountDownLatch hold = new CountDownLatch(1);
    CountDownLatch busyAgain = new CountDownLatch(2);
    for (int i = 0; i < 2; i++) {
      executor.execute(() -> {
        busyAgain.countDown();
        awaitQuietly(hold);
      });
    }
    await(busyAgain, "both threads to take a task again");
    for (int i = 0; i < 4; i++) {
      executor.execute(again::countDown);
    }
    assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class);
    hold.countDown();
    await(again, "the second four to run");
    assertThat(executor.highWaterMark()).isEqualTo(4);
  }

  @Test
  void aShutDownExecutorRejectsAndHandsBackWhatWasQueued() throws Exception {
    PollingExecutor executor = executor(1, 3, POLL, Duration.ofMillis(50), Parker.LOCK_SUPPORT);
    CountDownLatch busy = new CountDownLatch(1);
    CountDownLatch never = new CountDownLatch(1);
    executor.execute(() -> {
      busy.countDown();
      awaitQuietly(never);
    });
    await(busy, "the thread to take the blocking task");
    Runnable queued = () -> { };
    executor.execute(queued);
    assertThat(executor.shutdownNow()).containsExactly(queued);
    assertThat(executor.awaitTermination(Duration.ofSeconds(5))).as("the blocked task was interrupted").isTrue();
    assertThat(executor.queueSize()).isZero();
    assertThatThrownBy(() -> executor.execute(() -> { })).isInstanceOf(RejectedExecutionException.class)
        .hasMessageContaining("shut down");
  }

  // ---- contention, with real parks ---------------------------------------------------------------------------

  /**
   * One caller hands tasks over one at a time and waits for each, so that the threads keep going between running,
   * polling and deep parks (a 10 µs poll interval) as the calls race them. The longest idle park is a minute: a
   * missed wake-up would leave a task waiting a minute, and fail the ten-second wait.
   */
  @Test
  void underOneCallerNoTaskIsLostNorLeftWaitingForALongPark() throws Exception {
    PollingExecutor executor = executor(2, 2, Duration.ofNanos(10_000), Duration.ofSeconds(60), Parker.LOCK_SUPPORT);
    for (int round = 0; round < 3_000; round++) {
      CountDownLatch ran = new CountDownLatch(1);
      executor.execute(ran::countDown);
      await(ran, "task " + round);
      for (int spin = round % 64; spin > 0; spin--) {
        Thread.onSpinWait();
      }
    }
    assertThat(executor.highWaterMark()).isLessThanOrEqualTo(2);
  }

  /**
   * Four callers against three threads and a queue of three: every task is either rejected at once or run, none is
   * lost, none waits for a minute-long park, and the queue never holds more than its bound.
   */
  @Test
  void underContentionEveryAcceptedTaskRunsAndTheBoundHolds() throws Exception {
    PollingExecutor executor = executor(3, 3, Duration.ofNanos(10_000), Duration.ofSeconds(60), Parker.LOCK_SUPPORT);
    int callers = 4;
    int tasksEach = 2_000;
    Semaphore ranPermits = new Semaphore(0);
    AtomicInteger accepted = new AtomicInteger();
    AtomicInteger rejected = new AtomicInteger();
    AtomicInteger ranCount = new AtomicInteger();
    AtomicReference<Throwable> failure = new AtomicReference<>();
    CountDownLatch start = new CountDownLatch(1);
    List<Thread> threads = new ArrayList<>();
    for (int c = 0; c < callers; c++) {
      int caller = c;
      Thread thread = new Thread(() -> {
        try {
          start.await();
          for (int i = 0; i < tasksEach; i++) {
            CountDownLatch ran = new CountDownLatch(1);
            try {
              executor.execute(() -> {
                ranCount.incrementAndGet();
                ranPermits.release();
                ran.countDown();
              });
              accepted.incrementAndGet();
            } catch (RejectedExecutionException e) {
              rejected.incrementAndGet();
              continue;
            }
            if ((i + caller) % 8 == 0 && !ran.await(10, TimeUnit.SECONDS)) {
              throw new AssertionError("caller " + caller + ": task " + i + " did not run within 10 s");
            }
          }
        } catch (Throwable t) {
          failure.compareAndSet(null, t);
        }
      }, "caller-" + c);
      threads.add(thread);
      thread.start();
    }
    start.countDown();
    for (Thread thread : threads) {
      thread.join(TimeUnit.SECONDS.toMillis(60));
      assertThat(thread.isAlive()).as(thread.getName() + " to finish").isFalse();
    }
    assertThat(failure.get()).isNull();
    assertThat(accepted.get() + rejected.get()).isEqualTo(callers * tasksEach);
    assertThat(accepted.get()).isPositive();
    assertThat(ranPermits.tryAcquire(accepted.get(), 10, TimeUnit.SECONDS)).as("every accepted task to run").isTrue();
    assertThat(ranCount.get()).isEqualTo(accepted.get());
    assertThat(executor.queueSize()).isZero();
    assertThat(executor.highWaterMark()).isBetween(1, 3);
  }

  private static void awaitQuietly(CountDownLatch latch) {
    try {
      latch.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  /** A park as the test saw it: which thread, for how long it asked to park. */
  record Park(Thread thread, long nanos) {
  }

  /**
   * A parker the test drives: a park lasts until the test ends it ({@link #end}, standing for the timer) or a caller
   * unparks the thread, which is counted. An unpark before a park ends that park at once, as with
   * {@code LockSupport}.
   */
  static final class DrivenParker implements Parker {
    private final BlockingQueue<Park> parks = new ArrayBlockingQueue<>(1_000);
    private final Map<Thread, Semaphore> permits = new ConcurrentHashMap<>();
    private final AtomicReference<CountDownLatch[]> hold = new AtomicReference<>();
    final AtomicInteger unparks = new AtomicInteger();

    /** Holds the next thread that is about to announce a deep park: [0] counts down when it is held, [1] frees it. */
    CountDownLatch[] holdNextAnnouncement() {
      CountDownLatch[] latches = {new CountDownLatch(1), new CountDownLatch(1)};
      hold.set(latches);
      return latches;
    }

    @Override
    public void beforeAnnouncingDeepPark() {
      CountDownLatch[] latches = hold.getAndSet(null);
      if (latches != null) {
        latches[0].countDown();
        awaitQuietly(latches[1]);
      }
    }

    @Override
    public void park(Object blocker, long nanos) {
      Semaphore permit = permit(Thread.currentThread());
      parks.offer(new Park(Thread.currentThread(), nanos));
      try {
        permit.acquire();
        permit.drainPermits();
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    }

    @Override
    public void unpark(Thread thread) {
      unparks.incrementAndGet();
      wake(thread);
    }

    /** The next park, in the order the threads parked. */
    Park next() throws InterruptedException {
      Park park = parks.poll(10, TimeUnit.SECONDS);
      assertThat(park).as("a thread to park").isNotNull();
      return park;
    }

    /** Ends a park as its timer would: not counted as a wake-up. */
    void end(Park park) {
      wake(park.thread());
    }

    private void wake(Thread thread) {
      Semaphore permit = permit(thread);
      if (permit.availablePermits() == 0) {
        permit.release();
      }
    }

    private Semaphore permit(Thread thread) {
      return permits.computeIfAbsent(thread, t -> new Semaphore(0));
    }
  }
}
