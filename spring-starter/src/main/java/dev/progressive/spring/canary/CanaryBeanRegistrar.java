package dev.progressive.spring.canary;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.MetricSource;
import dev.progressive.spring.ProgressiveCanaryProperties;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.Map;
import java.util.concurrent.ScheduledExecutorService;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.beans.factory.support.BeanDefinitionRegistry;
import org.springframework.beans.factory.support.BeanDefinitionRegistryPostProcessor;
import org.springframework.beans.factory.support.RootBeanDefinition;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.EnvironmentAware;
import org.springframework.core.env.Environment;

/**
 * Registers one {@link Canary} bean, named {@code <name>Canary}, per entry of {@code progressive.canary.canaries}.
 * Each is built from its definition on the starter's scheduler, with the application's {@link Toggles} and, when
 * there is exactly one, its {@link MeterRegistry} and its {@link MetricSource} (without one, each canary judges the
 * outcomes this instance recorded); the context closes it.
 */
public class CanaryBeanRegistrar implements BeanDefinitionRegistryPostProcessor, EnvironmentAware {

  /** The name of the executor bean that runs the canaries' analysis. */
  public static final String EXECUTOR_BEAN = "progressiveCanaryExecutor";

  private Environment environment;

  @Override
  public void setEnvironment(Environment environment) {
    this.environment = environment;
  }

  @Override
  public void postProcessBeanDefinitionRegistry(BeanDefinitionRegistry registry) {
    Map<String, ProgressiveCanaryProperties.Definition> definitions = Binder.get(environment)
        .bind("progressive.canary.canaries", Bindable.mapOf(String.class, ProgressiveCanaryProperties.Definition.class))
        .orElse(Map.of());
    BeanFactory beanFactory = (BeanFactory) registry;
    for (String name : definitions.keySet()) {
      RootBeanDefinition definition = new RootBeanDefinition(Canary.class, () -> canary(name, beanFactory));
      definition.setDestroyMethodName("close");
      registry.registerBeanDefinition(name + "Canary", definition);
    }
  }

  @Override
  public void postProcessBeanFactory(ConfigurableListableBeanFactory beanFactory) {
  }

  private static Canary canary(String name, BeanFactory beanFactory) {
    ProgressiveCanaryProperties.Definition definition = beanFactory.getBean(ProgressiveCanaryProperties.class)
        .getCanaries().get(name);
    Canary.Builder builder = Canary.builder(release(name, definition), beanFactory.getBean(Toggles.class))
        .scheduler(CanaryScheduler.of(beanFactory.getBean(EXECUTOR_BEAN, ScheduledExecutorService.class)));
    beanFactory.getBeanProvider(MeterRegistry.class).ifUnique(builder::meterRegistry);
    beanFactory.getBeanProvider(MetricSource.class).ifUnique(builder::metricSource);
    return builder.build();
  }

  /** The release of one configured canary; errors name the property at fault. */
  static CanaryRelease release(String name, ProgressiveCanaryProperties.Definition definition) {
    String property = "progressive.canary.canaries." + name;
    try {
      CanaryRelease.Builder release = CanaryRelease.builder(name)
          .analysisInterval(definition.getAnalysisInterval())
          .maxInconclusive(definition.getMaxInconclusive())
          .dryRun(definition.isDryRun());
      for (ProgressiveCanaryProperties.Step step : definition.getSteps()) {
        release.step(step.getWeight(), step.getMinDuration(), step.getMinRequests());
      }
      return release.build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
  }
}
