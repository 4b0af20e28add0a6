package dev.progressive.toggles.source;

import static java.nio.file.StandardCopyOption.ATOMIC_MOVE;
import static java.nio.file.StandardCopyOption.REPLACE_EXISTING;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.event.FlagsChanged;
import dev.progressive.toggles.Toggles;
import java.io.IOException;
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
 * The ways flag files change in production, each followed to the evaluation. Tests wait on change events with a
 * deadline; they never sleep.
 */
class FileSourceTest {

  private static final Duration WAIT = Duration.ofSeconds(60);

  @TempDir
  Path dir;

  static String flags(String color) {
    return "{\"flags\": {\"color\": {\"state\": \"ENABLED\", \"variants\": {\"red\": \"#f00\", \"blue\": \"#00f\", "
        + "\"green\": \"#0f0\"}, \"defaultVariant\": \"" + color + "\"}}}";
  }

  private static FileSource watched(Path file) {
    return FileSource.builder(file).pollInterval(Duration.ofMillis(300)).debounce(Duration.ofMillis(20)).build();
  }

  private static String color(Toggles t) {
    return t.stringValue("color", EvaluationContext.empty(), "none");
  }

  /** Waits until the condition holds, woken by each change event; fails after the deadline. */
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

  private static BlockingQueue<Object> events(Toggles t) {
    BlockingQueue<Object> q = new LinkedBlockingQueue<>();
    t.onChange(q::add);
    t.onHealthChange(q::add);
    return q;
  }

  @Test
  void anInPlaceWriteIsApplied() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, flags("red"));
    try (Toggles t = Toggles.builder().source(watched(file)).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");
      Files.writeString(file, flags("blue"));
      awaitUntil(q, () -> color(t).equals("#00f"), "the in-place write");
    }
  }

  @Test
  void anEditorsRenameOnSaveIsApplied() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, flags("red"));
    try (Toggles t = Toggles.builder().source(watched(file)).build()) {
      BlockingQueue<Object> q = events(t);
      Path tmp = dir.resolve(".flags.json.swp");
      Files.writeString(tmp, flags("green"));
      Files.move(tmp, file, ATOMIC_MOVE, REPLACE_EXISTING);
      awaitUntil(q, () -> color(t).equals("#0f0"), "the renamed file");
    }
  }

  @Test
  void aFileDeletedAndRecreatedKeepsServingThenIsApplied() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, flags("red"));
    try (Toggles t = Toggles.builder().source(watched(file)).build()) {
      BlockingQueue<Object> q = events(t);
      Files.delete(file);
      awaitUntil(q, () -> !t.isHealthy(), "the source to report the missing file");
      assertThat(color(t)).as("the last good flags serve while the file is missing").isEqualTo("#f00");
      assertThat(t.health().get(0).error()).contains("flags.json");

      Files.writeString(file, flags("blue"));
      awaitUntil(q, () -> color(t).equals("#00f") && t.isHealthy(), "the recreated file");
    }
  }

  @Test
  void aKubernetesConfigMapSymlinkSwapIsApplied() throws Exception {
    // The layout kubelet writes: flags.json -> ..data/flags.json, ..data -> ..2026_11_22_v1, swapped atomically.
    Path v1 = Files.createDirectory(dir.resolve("..2026_11_22_v1"));
    Files.writeString(v1.resolve("flags.json"), flags("red"));
    Files.createSymbolicLink(dir.resolve("..data"), v1.getFileName());
    Files.createSymbolicLink(dir.resolve("flags.json"), Path.of("..data", "flags.json"));
    Path file = dir.resolve("flags.json");

    try (Toggles t = Toggles.builder().source(watched(file)).build()) {
      BlockingQueue<Object> q = events(t);
      assertThat(color(t)).isEqualTo("#f00");

      Path v2 = Files.createDirectory(dir.resolve("..2026_11_22_v2"));
      Files.writeString(v2.resolve("flags.json"), flags("green"));
      Path tmpLink = Files.createSymbolicLink(dir.resolve("..data_tmp"), v2.getFileName());
      Files.move(tmpLink, dir.resolve("..data"), ATOMIC_MOVE, REPLACE_EXISTING);
      deleteTree(v1);

      awaitUntil(q, () -> color(t).equals("#0f0"), "the ConfigMap swap");
      assertThat(t.isHealthy()).isTrue();
    }
  }

  @Test
  void anInvalidSaveKeepsTheLastGoodFlagsAndTheFixIsApplied() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, flags("red"));
    try (Toggles t = Toggles.builder().source(watched(file)).build()) {
      BlockingQueue<Object> q = events(t);
      Files.writeString(file, flags("purple"));
      awaitUntil(q, () -> !t.isHealthy(), "the refusal");
      assertThat(t.health().get(0).error()).contains(file.toString()).contains("'color'")
          .contains("$.flags.color.defaultVariant");
      assertThat(color(t)).isEqualTo("#f00");

      Files.writeString(file, flags("blue"));
      awaitUntil(q, () -> t.isHealthy() && color(t).equals("#00f"), "the fix");
    }
  }

  @Test
  void yamlFilesAreRead() throws Exception {
    Path file = dir.resolve("flags.yaml");
    Files.writeString(file, "flags:\n  color:\n    state: ENABLED\n    variants: {red: '#f00'}\n"
        + "    defaultVariant: red\n");
    try (Toggles t = Toggles.builder().source(FileSource.of(file)).build()) {
      assertThat(color(t)).isEqualTo("#f00");
    }
  }

  @Test
  void closeStopsTheWatchingThread() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, flags("red"));
    Toggles t = Toggles.builder().source(watched(file)).build();
    assertThat(threads()).anyMatch(name -> name.startsWith("progressive-flags-file:"));
    t.close();
    t.close();
    assertThat(threads()).noneMatch(name -> name.startsWith("progressive-flags-file:" + file));
  }

  @Test
  void changesAreReportedOnce() throws Exception {
    Path file = dir.resolve("flags.json");
    Files.writeString(file, flags("red"));
    try (Toggles t = Toggles.builder().source(watched(file)).build()) {
      BlockingQueue<FlagsChanged> changes = new LinkedBlockingQueue<>();
      t.onChange(changes::add);
      Files.writeString(file, flags("blue"));
      FlagsChanged first = changes.poll(WAIT.toMillis(), TimeUnit.MILLISECONDS);
      assertThat(first).isNotNull();
      assertThat(first.keys()).containsExactly("color");
      // Several polls pass with the same content; none of them is a change.
      assertThat(changes.poll(1, TimeUnit.SECONDS)).isNull();
    }
  }

  static java.util.List<String> threads() {
    return Thread.getAllStackTraces().keySet().stream().filter(Thread::isAlive).map(Thread::getName).toList();
  }

  static void deleteTree(Path p) throws IOException {
    try (var walk = Files.walk(p)) {
      for (Path x : walk.sorted(java.util.Comparator.reverseOrder()).toList()) {
        Files.delete(x);
      }
    }
  }
}
