package dev.progressive.testing;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class AwaitTest {

  @Test
  void returnsOnceAnotherThreadMakesTheConditionTrue() throws Exception {
    AtomicBoolean heard = new AtomicBoolean();
    CountDownLatch checkedOnce = new CountDownLatch(1);
    Thread notifier = new Thread(() -> {
      try {
        checkedOnce.await();
        heard.set(true);
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
      }
    });
    notifier.start();

    Await.until(() -> {
      checkedOnce.countDown();
      return heard.get();
    }, "the other thread");

    notifier.join();
    assertThat(heard).isTrue();
  }

  @Test
  void checksAgainUntilTheConditionIsTrue() throws Exception {
    AtomicInteger checks = new AtomicInteger();

    Await.until(() -> checks.incrementAndGet() == 3, "the third check");

    assertThat(checks).hasValue(3);
  }

  @Test
  void failsNamingWhatItWaitedForWhenTheConditionStaysFalse() {
    assertThatThrownBy(() -> Await.until(() -> false, Duration.ofMillis(50), "b hearing the abort"))
        .isInstanceOf(AssertionError.class).hasMessage("timed out after PT0.05S waiting for b hearing the abort");
    assertThatThrownBy(() -> Await.until(() -> true, Duration.ZERO, "x"))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("bound must be positive, was PT0S");
  }
}
