package dev.progressive.spring.test;

import java.util.List;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.test.context.ContextConfigurationAttributes;
import org.springframework.test.context.ContextCustomizer;
import org.springframework.test.context.ContextCustomizerFactory;
import org.springframework.test.context.MergedContextConfiguration;

/** Registers a {@link FlagValueOverrides} in the context of a {@link ProgressiveTest} class. */
public class ProgressiveTestContextCustomizerFactory implements ContextCustomizerFactory {

  /** The bean's name. */
  public static final String BEAN_NAME = "progressiveFlagValueOverrides";

  @Override
  public ContextCustomizer createContextCustomizer(Class<?> testClass,
      List<ContextConfigurationAttributes> configAttributes) {
    return new Customizer();
  }

  /** Equal to every other, so that all {@link ProgressiveTest} classes of one configuration share a context. */
  private static final class Customizer implements ContextCustomizer {
    @Override
    public void customizeContext(ConfigurableApplicationContext context, MergedContextConfiguration config) {
      context.getBeanFactory().registerSingleton(BEAN_NAME, new FlagValueOverrides());
    }

    @Override
    public boolean equals(Object other) {
      return other instanceof Customizer;
    }

    @Override
    public int hashCode() {
      return Customizer.class.hashCode();
    }
  }
}
