package dev.progressive.spring.annotation;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.springframework.test.web.servlet.request.MockMvcRequestBuilders.get;
import static org.springframework.test.web.servlet.result.MockMvcResultMatchers.status;

import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.ChangeRequest;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.aop.AopAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.mock.web.MockHttpServletRequest;
import org.springframework.security.authentication.TestingAuthenticationToken;
import org.springframework.security.core.context.SecurityContextHolder;
import org.springframework.test.web.servlet.MockMvc;
import org.springframework.test.web.servlet.setup.MockMvcBuilders;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;
import org.springframework.web.context.request.RequestContextHolder;
import org.springframework.web.context.request.ServletRequestAttributes;

class FeatureToggleAspectTest {

  static final String FLAGS = """
      {"flags": {
        "new-greeting": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "vip": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
          "targeting": {"if": [{"or": [{"==": [{"var": "targetingKey"}, "vip-1"]},
                                       {"==": [{"var": "tier"}, "gold"]}]}, "on", "off"]}}
      }}""";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features(AopAutoConfiguration.class,
          ProgressiveAnnotationsAutoConfiguration.class))
      .withPropertyValues("progressive.toggles.open-feature.enabled=false",
          "progressive.parallel-run.enabled=false")
      .withBean("testFlags", FlagSource.class, () -> InMemorySource.named("test.json", FLAGS));

  @AfterEach
  void clearThreadState() {
    SecurityContextHolder.clearContext();
    RequestContextHolder.resetRequestAttributes();
  }

  private static void turnOff(ApplicationContext context, String flag) {
    Toggles toggles = context.getBean(Toggles.class);
    toggles.admin().setState(flag, false,
        ChangeRequest.of("test", "off", toggles.admin().flag(flag).orElseThrow().version()));
  }

  public static class Greeter {
    @FeatureToggle(flag = "new-greeting", fallbackMethod = "oldGreeting")
    public String greet(String name, int times) {
      return ("hello " + name + " ").repeat(times).trim();
    }

    String oldGreeting(String name, int times) {
      return "good day " + name + " x" + times;
    }

    @FeatureToggle(flag = "new-greeting")
    public String wave(String name) {
      return "wave " + name;
    }

    @FeatureToggle(flag = "vip", key = "#customerId", attributes = "tier=#tier")
    public String lounge(String customerId, String tier) {
      return "welcome";
    }

    @FeatureToggle(flag = "vip", attributes = "tier=#request?.getHeader('X-Tier')")
    public String byHeader() {
      return "welcome";
    }

    @FeatureToggle(flag = "vip")
    public String byPrincipal() {
      return "welcome";
    }
  }

  public static class RecordedGreeter {
    private volatile boolean fail;

    /** Set through the proxy, on the bean itself. */
    public void failing(boolean fail) {
      this.fail = fail;
    }

    @FeatureToggle(flag = "new-greeting", fallbackMethod = "oldGreeting", recordVariants = true)
    public String greet(String name) {
      if (fail) {
        throw new IllegalStateException("the new greeting failed");
      }
      return "hello " + name;
    }

    String oldGreeting(String name) {
      return "good day " + name;
    }

    @FeatureToggle(flag = "new-greeting", fallbackMethod = "oldGreeting")
    public String unrecorded(String name) {
      return "hi " + name;
    }
  }

  @FeatureToggle(flag = "new-greeting", fallbackMethod = "closed")
  public static class Shop {
    public String open() {
      return "open";
    }

    @FeatureToggle(flag = "vip", fallbackMethod = "closed")
    public String vipOpen() {
      return "vip open";
    }

    public String closed() {
      return "closed";
    }
  }

  @Test
  void runsTheMethodWhileTheFlagIsOnAndTheFallbackWithTheSameArgumentsWhenOff() {
    runner.withBean(Greeter.class).run(context -> {
      Greeter greeter = context.getBean(Greeter.class);
      assertThat(greeter.greet("ada", 2)).isEqualTo("hello ada hello ada");
      turnOff(context, "new-greeting");
      assertThat(greeter.greet("ada", 2)).isEqualTo("good day ada x2");
    });
  }

  @Test
  void recordVariantsRecordsOutcomeAndLatencyUnderTheVariantThatServedWhileTheFlagIsRecorded() {
    runner.withBean(RecordedGreeter.class).run(context -> {
      RecordedGreeter greeter = context.getBean(RecordedGreeter.class);
      Toggles toggles = context.getBean(Toggles.class);
      List<String> recorded = new java.util.concurrent.CopyOnWriteArrayList<>();
      assertThat(greeter.greet("ada")).as("no recorder yet: as always").isEqualTo("hello ada");

      try (AutoCloseable handle = toggles.variantRecording().register("new-greeting",
          (flag, variant, success, nanos) -> recorded.add(flag + "/" + variant + "/" + success))) {
        assertThat(greeter.greet("ada")).isEqualTo("hello ada");
        assertThat(greeter.unrecorded("ada")).as("a method without recordVariants is not recorded")
            .isEqualTo("hi ada");
        greeter.failing(true);
        assertThatThrownBy(() -> greeter.greet("ada")).hasMessage("the new greeting failed");
        toggles.admin().setDefaultVariant("new-greeting", "off", ChangeRequest.of("test", "old variant",
            toggles.admin().flag("new-greeting").orElseThrow().version()));
        assertThat(greeter.greet("ada")).isEqualTo("good day ada");
        turnOff(context, "new-greeting");
        assertThat(greeter.greet("ada")).as("a disabled flag served no variant: not recorded")
            .isEqualTo("good day ada");
      }

      assertThat(recorded).containsExactly("new-greeting/on/true", "new-greeting/on/false",
          "new-greeting/off/true");
    });
  }

  @Test
  void withoutAFallbackThrowsFeatureDisabledException() {
    runner.withBean(Greeter.class).run(context -> {
      Greeter greeter = context.getBean(Greeter.class);
      assertThat(greeter.wave("ada")).isEqualTo("wave ada");
      turnOff(context, "new-greeting");
      assertThatThrownBy(() -> greeter.wave("ada")).isInstanceOf(FeatureDisabledException.class)
          .hasMessageContaining("new-greeting").hasMessageContaining("wave(String)")
          .extracting(e -> ((FeatureDisabledException) e).flag()).isEqualTo("new-greeting");
    });
  }

  @Test
  void theTargetingKeyAndAttributesComeFromSpelOverTheArguments() {
    runner.withBean(Greeter.class).run(context -> {
      Greeter greeter = context.getBean(Greeter.class);
      assertThat(greeter.lounge("vip-1", "silver")).isEqualTo("welcome");
      assertThat(greeter.lounge("someone", "gold")).isEqualTo("welcome");
      assertThatThrownBy(() -> greeter.lounge("someone", "silver")).isInstanceOf(FeatureDisabledException.class);
    });
  }

  @Test
  void theCurrentRequestAndThePrincipalAreAvailable() {
    runner.withBean(Greeter.class).run(context -> {
      Greeter greeter = context.getBean(Greeter.class);
      assertThatThrownBy(greeter::byHeader).isInstanceOf(FeatureDisabledException.class);
      MockHttpServletRequest request = new MockHttpServletRequest();
      request.addHeader("X-Tier", "gold");
      RequestContextHolder.setRequestAttributes(new ServletRequestAttributes(request));
      assertThat(greeter.byHeader()).isEqualTo("welcome");

      assertThatThrownBy(greeter::byPrincipal).isInstanceOf(FeatureDisabledException.class);
      SecurityContextHolder.getContext().setAuthentication(new TestingAuthenticationToken("vip-1", "pw", "ROLE_X"));
      assertThat(greeter.byPrincipal()).as("the principal's name is the default targeting key").isEqualTo("welcome");
    });
  }

  @Test
  void onATypeItTogglesEveryPublicMethodAndAMethodsOwnAnnotationWins() {
    runner.withBean(Shop.class).run(context -> {
      Shop shop = context.getBean(Shop.class);
      assertThat(shop.open()).isEqualTo("open");
      assertThat(shop.vipOpen()).as("vip is off by default").isEqualTo("closed");
      assertThat(shop.closed()).isEqualTo("closed");
      turnOff(context, "new-greeting");
      assertThat(shop.open()).isEqualTo("closed");
    });
  }

  public static class UnknownFallback {
    @FeatureToggle(flag = "new-greeting", fallbackMethod = "nowhere")
    public String greet(String name) {
      return name;
    }
  }

  public static class FallbackWithOtherParameters {
    @FeatureToggle(flag = "new-greeting", fallbackMethod = "old")
    public String greet(String name) {
      return name;
    }

    String old(Object name) {
      return "old";
    }
  }

  public static class BadExpression {
    @FeatureToggle(flag = "vip", key = "#order.(")
    public String greet(String order) {
      return order;
    }
  }

  public static class BadAttribute {
    @FeatureToggle(flag = "vip", attributes = "tier")
    public String greet(String order) {
      return order;
    }
  }

  @Test
  void aMisconfigurationFailsAtStartupNamingTheBeanAndTheMethod() {
    runner.withBean("unknownFallback", UnknownFallback.class).run(context ->
        assertThat(context).getFailure()
            .hasMessageContaining("Bean 'unknownFallback'")
            .hasMessageContaining(UnknownFallback.class.getName() + ".greet(String)")
            .hasMessageContaining("no fallback method nowhere(String)"));
    runner.withBean("otherParameters", FallbackWithOtherParameters.class).run(context ->
        assertThat(context).getFailure().hasMessageContaining("Bean 'otherParameters'")
            .hasMessageContaining("no fallback method old(String)"));
    runner.withBean("badExpression", BadExpression.class).run(context ->
        assertThat(context).getFailure().hasMessageContaining("Bean 'badExpression'")
            .hasMessageContaining("greet(String): key '#order.(' is not a valid SpEL expression"));
    runner.withBean("badAttribute", BadAttribute.class).run(context ->
        assertThat(context).getFailure().hasMessageContaining("Bean 'badAttribute'")
            .hasMessageContaining("attribute 'tier' must be name=expression"));
  }

  @Test
  void backsOffForTheUsersAspectAndNeedsAspectJ() {
    runner.withBean("myAspect", FeatureToggleAspect.class,
            () -> new FeatureToggleAspect(Toggles.builder().build(), 0))
        .run(context -> assertThat(context).getBean(FeatureToggleAspect.class)
            .isSameAs(context.getBean("myAspect")));
    runner.withClassLoader(new FilteredClassLoader("org.aspectj")).withBean(Greeter.class).run(context -> {
      assertThat(context).doesNotHaveBean(FeatureToggleAspect.class);
      turnOff(context, "new-greeting");
      assertThat(context.getBean(Greeter.class).wave("ada")).isEqualTo("wave ada");
    });
  }

  @RestController
  static class Controller {
    @GetMapping("/feature")
    List<String> feature() {
      throw new FeatureDisabledException("new-greeting", "Controller.feature()");
    }
  }

  @Test
  void springMvcAnswersASwitchedOffFeatureWith404() throws Exception {
    MockMvc mvc = MockMvcBuilders.standaloneSetup(new Controller()).build();
    mvc.perform(get("/feature")).andExpect(status().isNotFound());
  }
}
