package dev.progressive.spring.test;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.progressive.spring.annotation.FeatureToggle;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.FlagValueLayer;
import dev.progressive.toggles.Toggles;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.parallel.Execution;
import org.junit.jupiter.api.parallel.ExecutionMode;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * Flag values per test, through the native {@code Toggles} API, {@code @FeatureToggle} and the OpenFeature
 * {@code Client}, with tests of one shared context running at the same time: the two tests that set opposite
 * values for one flag wait for each other, so each evaluates while the other's value is set. The wait is long
 * because the second test starts only when a worker of JUnit's pool is free, which can take a while on a loaded
 * machine; it only guards against a hang.
 */
@SpringBootTest(classes = FlagValueTest.App.class, properties = {
    "progressive.toggles.sources[0].location=flags.json",
    "progressive.toggles.open-feature.domain=flag-value-test"})
@ProgressiveTest
@FlagValue(key = "color", value = "green")
@Execution(ExecutionMode.CONCURRENT)
class FlagValueTest {

  private static final CyclicBarrier BOTH_SET = new CyclicBarrier(2);

  @Autowired
  Client client;

  @Autowired
  Menu menu;

  @Autowired
  Toggles toggles;

  @Test
  @FlagValue(key = "new-menu", value = "true")
  void onInThisTest() throws Exception {
    BOTH_SET.await(2, TimeUnit.MINUTES);
    assertThat(toggles.isEnabled("new-menu")).as("the native API").isTrue();
    assertThat(client.getBooleanValue("new-menu", false)).isTrue();
    assertThat(menu.show()).isEqualTo("new menu");
    assertThat(client.getStringValue("color", "none")).as("the class's value").isEqualTo("green");
    BOTH_SET.await(2, TimeUnit.MINUTES);
  }

  @Test
  @FlagValue(key = "new-menu", value = "false")
  @FlagValue(key = "color", value = "pink")
  void offInThatTest() throws Exception {
    BOTH_SET.await(2, TimeUnit.MINUTES);
    assertThat(toggles.isEnabled("new-menu", EvaluationContext.empty())).as("the native API").isFalse();
    assertThat(client.getBooleanValue("new-menu", true)).isFalse();
    assertThat(menu.show()).isEqualTo("old menu");
    assertThat(client.getStringValue("color", "none")).as("the method's value wins").isEqualTo("pink");
    BOTH_SET.await(2, TimeUnit.MINUTES);
  }

  @Test
  void theClassesValueReachesEveryApiAndOtherFlagsKeepTheirRealValues() {
    assertThat(client.getStringValue("color", "none")).isEqualTo("green");
    assertThat(toggles.stringValue("color", null, "none")).as("the native API sees the class's value")
        .isEqualTo("green");
    assertThat(toggles.stringDetails("color", null, "none").variant()).isEqualTo(FlagValueLayer.VARIANT);
    assertThat(toggles.isEnabled("new-menu")).as("no value set in this test: the real one").isFalse();
    assertThat(toggles.booleanDetails("new-menu", null, true).variant()).isEqualTo("off");
    assertThat(client.getStringValue("checkout", "none")).as("a boolean flag read as a string: the real error")
        .isEqualTo("none");
  }

  /** A bean with a toggled method. */
  public static class Menu {
    @FeatureToggle(flag = "new-menu", fallbackMethod = "oldMenu")
    public String show() {
      return "new menu";
    }

    String oldMenu() {
      return "old menu";
    }
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
    @Bean
    Menu menu() {
      return new Menu();
    }
  }
}
