package dev.progressive.toggles.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.InvalidFlags;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FileSource;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.BooleanSupplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Issue 15, part 1: a file whose compilation once overflowed the stack killed the watcher thread, so later valid
 * files were never applied and health stayed UP. Now it is refused, health says so, and the next valid file applies.
 */
class WatcherSurvivesTest {

  private static final Duration WAIT = Duration.ofSeconds(20);

  @TempDir
  Path dir;

  /** Waits until the condition holds, woken by each change or health event; fails after a generous deadline. */
  private static void awaitUntil(BlockingQueue<Object> events, BooleanSupplier condition, String what)
      throws InterruptedException {
    long deadline = System.nanoTime() + WAIT.toNanos();
    while (!condition.getAsBoolean()) {
      long left = deadline - System.nanoTime();
      if (left <= 0) {
        throw new AssertionError("timed out waiting for " + what);
      }
      events.poll(Math.min(left, TimeUnit.MILLISECONDS.toNanos(100)), TimeUnit.NANOSECONDS);
    }
  }

  @Test
  void aHostileFileIsRefusedAndTheNextValidFileIsApplied() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, HostileDocs.good(true));
    FileSource source = FileSource.builder(file).pollInterval(Duration.ofMillis(200))
        .debounce(Duration.ofMillis(20)).build();
    try (Toggles t = Toggles.builder().source(source).invalidFlags(InvalidFlags.REFUSE_SOURCE).requireValidSources(true).build()) {
      BlockingQueue<Object> q = new LinkedBlockingQueue<>();
      t.onChange(q::add);
      t.onHealthChange(q::add);
      assertThat(t.isEnabled("ok")).isTrue();

      Files.writeString(file, HostileDocs.refChain(1_250));
      awaitUntil(q, () -> !t.isHealthy(), "the refusal of the $ref chain");
      assertThat(t.health().get(0).error()).contains("nested deeper than 256 levels");
      assertThat(t.isEnabled("ok")).isTrue();

      Files.writeString(file, HostileDocs.good(false));
      awaitUntil(q, () -> t.isHealthy() && !t.isEnabled("ok"), "the next valid file");
    }
  }
}
