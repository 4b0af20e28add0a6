package dev.progressive.toggles.source;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.InvalidTargeting;
import dev.progressive.toggles.Toggles;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class DirectorySourceTest {

  @TempDir
  Path dir;

  static String flag(String key, String value) {
    return "{\"flags\": {\"" + key + "\": {\"state\": \"ENABLED\", \"variants\": {\"v\": \"" + value
        + "\"}, \"defaultVariant\": \"v\"}}}";
  }

  @Test
  void mergesEveryFlagFileAndSkipsOthers() throws Exception {
    Files.writeString(dir.resolve("a.json"), flag("a", "A"));
    Files.writeString(dir.resolve("b.yaml"), "flags:\n  b: {state: ENABLED, variants: {v: B}, defaultVariant: v}\n");
    Files.writeString(dir.resolve("notes.txt"), "not flags");
    Files.writeString(dir.resolve(".hidden.json"), "{broken");
    try (Toggles t = Toggles.builder().source(DirectorySource.of(dir)).requireValidSources(true).build()) {
      assertThat(t.keys()).containsExactly("a", "b");
    }
  }

  @Test
  void aKeyDefinedInTwoFilesIsAnErrorNamingBothFiles() throws Exception {
    Files.writeString(dir.resolve("a.json"), flag("shared", "A"));
    Files.writeString(dir.resolve("b.json"), flag("shared", "B"));
    assertThatThrownBy(() -> Toggles.builder().source(DirectorySource.of(dir)).requireValidSources(true).build())
        .isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("'shared'")
        .hasMessageContaining(dir.resolve("a.json").toString())
        .hasMessageContaining(dir.resolve("b.json").toString());
  }

  @Test
  void aDuplicateAddedLaterKeepsTheLastGoodSetAndANewFileIsApplied() throws Exception {
    Files.writeString(dir.resolve("a.json"), flag("a", "A"));
    DirectorySource source = DirectorySource.builder(dir).pollInterval(Duration.ofMillis(300))
        .debounce(Duration.ofMillis(20)).build();
    try (Toggles t = Toggles.builder().source(source).build()) {
      BlockingQueue<Object> q = new LinkedBlockingQueue<>();
      t.onChange(q::add);
      t.onHealthChange(q::add);

      Files.writeString(dir.resolve("b.json"), flag("a", "other"));
      long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(60);
      while (t.isHealthy() && System.nanoTime() < deadline) {
        q.poll(100, TimeUnit.MILLISECONDS);
      }
      assertThat(t.isHealthy()).isFalse();
      assertThat(t.health().get(0).error()).contains("defined in both");
      assertThat(t.stringValue("a", EvaluationContext.empty(), "?")).isEqualTo("A");

      Files.writeString(dir.resolve("b.json"), flag("b", "B"));
      while (!(t.isHealthy() && t.keys().contains("b")) && System.nanoTime() < deadline) {
        q.poll(100, TimeUnit.MILLISECONDS);
      }
      assertThat(t.keys()).containsExactly("a", "b");
      assertThat(t.isHealthy()).isTrue();
    }
  }

  @Test
  void aMissingDirectoryIsDown() {
    try (Toggles t = Toggles.builder().source(DirectorySource.of(dir.resolve("nope"))).build()) {
      assertThat(t.isHealthy()).isFalse();
      assertThat(t.health().get(0).error()).contains("nope");
    }
  }

  @Test
  void classpathSourcesReadOnceAndReportAMissingResource() {
    String testkit = "conformance/flagd-evaluator/flags/testkit-flags.json";
    try (Toggles t = Toggles.builder().source(ClasspathSource.of(testkit))
        .invalidTargeting(InvalidTargeting.AS_FLAGD).build()) {
      assertThat(t.isHealthy()).isTrue();
      assertThat(t.keys()).contains("boolean-flag", "ref-to-nonexistent-evaluator-flag");
    }
    try (Toggles t = Toggles.builder().source(ClasspathSource.of("no/such.json")).build()) {
      assertThat(t.health().get(0).error()).contains("no/such.json");
    }
  }

  @Test
  void builderArgumentsAreChecked() {
    assertThatThrownBy(() -> FileSource.builder(dir).pollInterval(Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("pollInterval");
    assertThatThrownBy(() -> DirectorySource.builder(dir).debounce(Duration.ofMillis(-1)))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("debounce");
  }
}
