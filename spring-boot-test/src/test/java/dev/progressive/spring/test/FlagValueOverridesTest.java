package dev.progressive.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;

class FlagValueOverridesTest {

  @Test
  void valuesAreScopedToTheThreadAndRestoredWhenClosed() throws Exception {
    FlagValueOverrides overrides = new FlagValueOverrides();
    try (FlagValueOverrides.Scope outer = overrides.set(Map.of("a", "1", "b", "1"))) {
      try (FlagValueOverrides.Scope inner = overrides.set(Map.of("b", "2"))) {
        assertThat(overrides.value("a")).isEqualTo("1");
        assertThat(overrides.value("b")).isEqualTo("2");
        AtomicReference<String> seenByChild = new AtomicReference<>();
        Thread child = new Thread(() -> seenByChild.set(overrides.value("b")));
        child.start();
        child.join();
        assertThat(seenByChild).as("a thread started by the test inherits its values").hasValue("2");
      }
      assertThat(overrides.value("b")).isEqualTo("1");
      AtomicReference<String> seenElsewhere = new AtomicReference<>("unset");
      FlagValueOverrides.Scope[] other = new FlagValueOverrides.Scope[1];
      Thread unrelated = new Thread(() -> {
        other[0] = overrides.set(Map.of("a", "9"));
        seenElsewhere.set(overrides.value("a"));
      });
      unrelated.start();
      unrelated.join();
      assertThat(seenElsewhere).hasValue("9");
      assertThat(overrides.value("a")).as("another thread's value is not seen here").isEqualTo("1");
    }
    assertThat(overrides.value("a")).isNull();
  }
}
