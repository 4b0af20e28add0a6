package dev.progressive.spring.test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.platform.launcher.LauncherDiscoveryRequest;
import org.junit.platform.launcher.core.LauncherDiscoveryRequestBuilder;
import org.junit.platform.launcher.core.LauncherFactory;
import org.junit.platform.launcher.listeners.SummaryGeneratingListener;
import org.junit.platform.launcher.listeners.TestExecutionSummary;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.annotation.Bean;

/**
 * A {@code @FlagValue} that could not take effect fails its test before it runs, with a message that says why: a
 * value that does not fit its flag's type, and a {@code Toggles} bean built without the context's layer. Each case is
 * a test class of its own, run here through the JUnit launcher; their names do not end in {@code Test}, so the build
 * never runs them by themselves.
 */
class FlagValueMisuseTest {

  @Test
  void aValueThatDoesNotFitItsFlagsTypeFailsTheTestNamingTheFlagAndTheValue() {
    Throwable failure = onlyFailure(WrongTypeCase.class);
    assertThat(failure).isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("@FlagValue(key = \"new-menu\", value = \"yes\")")
        .hasMessageContaining("not a boolean");
  }

  @Test
  void aTogglesBeanThatDoesNotAskTheLayerFailsTheTestInsteadOfIgnoringTheValue() {
    Throwable failure = onlyFailure(OwnTogglesCase.class);
    assertThat(failure).isInstanceOf(IllegalStateException.class)
        .hasMessageContaining("@FlagValue(key = \"new-menu\") is not seen")
        .hasMessageContaining("valueLayer");
  }

  private static Throwable onlyFailure(Class<?> testClass) {
    LauncherDiscoveryRequest request = LauncherDiscoveryRequestBuilder.request().selectors(selectClass(testClass))
        .build();
    SummaryGeneratingListener listener = new SummaryGeneratingListener();
    LauncherFactory.create().execute(request, listener);
    TestExecutionSummary summary = listener.getSummary();
    List<TestExecutionSummary.Failure> failures = summary.getFailures();
    assertThat(summary.getTestsStartedCount()).as("the case ran").isEqualTo(1);
    assertThat(failures).hasSize(1);
    assertThat(WrongTypeCase.bodyRan || OwnTogglesCase.bodyRan).as("the test body never ran").isFalse();
    return failures.get(0).getException();
  }

  @SpringBootTest(classes = App.class, properties = "progressive.toggles.sources[0].location=flags.json")
  @ProgressiveTest
  static class WrongTypeCase {
    static volatile boolean bodyRan;

    @Test
    @FlagValue(key = "new-menu", value = "yes")
    void body() {
      bodyRan = true;
    }
  }

  @SpringBootTest(classes = OwnTogglesApp.class)
  @ProgressiveTest
  static class OwnTogglesCase {
    static volatile boolean bodyRan;

    @Test
    @FlagValue(key = "new-menu", value = "true")
    void body() {
      bodyRan = true;
    }
  }

  @SpringBootApplication(proxyBeanMethods = false)
  static class App {
  }

  /** Declares its own {@code Toggles}, built without the layer. */
  @SpringBootApplication(proxyBeanMethods = false)
  static class OwnTogglesApp {
    @Bean(destroyMethod = "close")
    Toggles toggles() {
      return Toggles.builder().source(InMemorySource.of("""
          {"flags": {"new-menu": {"state": "ENABLED", "defaultVariant": "off",
            "variants": {"on": true, "off": false}}}}
          """)).build();
    }
  }
}
