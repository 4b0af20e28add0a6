package dev.progressive.spring.canary;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.Metric;
import dev.progressive.canary.MetricSource;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
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
 * there is exactly one, its {@link MeterRegistry}, its {@link MetricSource} and its {@link FleetStore} (without
 * either, each canary judges the outcomes this instance recorded); the context closes it.
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
    beanFactory.getBeanProvider(FleetStore.class).ifUnique(builder::fleet);
    String instanceId = beanFactory.getBean(ProgressiveCanaryProperties.class).getFleet().getInstanceId();
    if (instanceId != null && !instanceId.isBlank()) {
      builder.instanceId(instanceId.strip());
    }
    builder.perInstanceGuard(definition.isPerInstanceGuard());
    return builder.build();
  }

  /** The release of one configured canary; errors name the property at fault. */
  static CanaryRelease release(String name, ProgressiveCanaryProperties.Definition definition) {
    String property = "progressive.canary.canaries." + name;
    List<Metric> metrics = new ArrayList<>();
    List<ProgressiveCanaryProperties.AnalysisMetric> configured = definition.getMetrics();
    for (int i = 0; i < configured.size(); i++) {
      metrics.add(metric(property + ".metrics[" + i + "]", configured.get(i)));
    }
    Double perSecond = definition.getExpectedRequestsPerSecond();
    Double errorRate = definition.getExpectedErrorRate();
    if (perSecond != null && errorRate == null) {
      throw new IllegalArgumentException(property + ".expected-error-rate is required with "
          + "expected-requests-per-second: the baseline's usual error rate, e.g. 0.005 for 0.5%");
    }
    if (perSecond == null && errorRate != null) {
      throw new IllegalArgumentException(property + ".expected-requests-per-second is required with "
          + "expected-error-rate: the whole fleet's requests per second");
    }
    if (perSecond != null && !(perSecond > 0 && perSecond < Double.POSITIVE_INFINITY)) {
      throw new IllegalArgumentException(property + ".expected-requests-per-second must be above 0, was "
          + perSecond);
    }
    if (errorRate != null && !(errorRate >= 0 && errorRate < 1)) {
      throw new IllegalArgumentException(property + ".expected-error-rate must be in [0, 1), e.g. 0.005 for 0.5%; "
          + "was " + errorRate);
    }
    try {
      CanaryRelease.Builder release = CanaryRelease.builder(name)
          .analysisInterval(definition.getAnalysisInterval())
          .maxInconclusive(definition.getMaxInconclusive())
          .onInconclusiveTimeout(definition.getInconclusiveTimeout())
          .dryRun(definition.isDryRun());
      if (perSecond != null) {
        release.expectedTraffic(perSecond, errorRate);
      }
      for (ProgressiveCanaryProperties.Step step : definition.getSteps()) {
        release.step(step.getWeight(), step.getMinDuration(), step.getMinRequests());
      }
      metrics.forEach(release::metric);
      return release.build();
    } catch (RuntimeException e) {
      throw new IllegalArgumentException(property + ": " + e.getMessage(), e);
    }
  }

  /**
   * One configured metric; errors name the property at fault, such as {@code ...metrics[1].quantile}. Public for the
   * release plans' feature rollouts, whose judge takes its metrics as a canary's.
   */
  public static Metric metric(String property, ProgressiveCanaryProperties.AnalysisMetric configured) {
    if (configured == null || configured.getKind() == null) {
      throw new IllegalArgumentException(property + ".kind is required: error-rate, latency or latency-quantile");
    }
    Double quantile = configured.getQuantile();
    Metric metric = switch (configured.getKind()) {
      case ERROR_RATE -> Metric.errorRate();
      case LATENCY -> Metric.latency();
      case LATENCY_QUANTILE -> {
        if (quantile == null || !(quantile > 0 && quantile < 1)) {
          throw new IllegalArgumentException(property + ".quantile must be in (0, 1) for a latency-quantile metric, "
              + "e.g. 0.95; was " + quantile);
        }
        yield Metric.latencyQuantile(quantile);
      }
    };
    if (quantile != null && configured.getKind() != ProgressiveCanaryProperties.MetricKind.LATENCY_QUANTILE) {
      throw new IllegalArgumentException(property + ".quantile applies only to kind latency-quantile; this metric "
          + "is " + configured.getKind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
    }
    Double allowedChange = configured.getAllowedChange();
    if (allowedChange != null) {
      if (!(allowedChange >= 0 && allowedChange <= 10)) {
        throw new IllegalArgumentException(property + ".allowed-change must be a relative change from 0 to 10, "
            + "e.g. 0.10 for 10%; was " + allowedChange);
      }
      metric = metric.allowedChange(allowedChange);
    }
    if (configured.getDirection() != null) {
      metric = metric.direction(switch (configured.getDirection()) {
        case HIGHER_IS_WORSE -> Metric.Direction.HIGHER_IS_WORSE;
        case LOWER_IS_WORSE -> Metric.Direction.LOWER_IS_WORSE;
      });
    }
    Double passMargin = configured.getPassMargin();
    if (passMargin != null) {
      double allowed = metric.allowedChange();
      boolean lowerWorse = metric.direction() == Metric.Direction.LOWER_IS_WORSE;
      if (!(passMargin >= allowed && passMargin <= 10) || (lowerWorse && !(passMargin < 1))) {
        throw new IllegalArgumentException(property + ".pass-margin must be a relative change from the metric's "
            + "allowed-change (" + allowed + ") to " + (lowerWorse ? "below 1" : "10") + ", e.g. 0.25 for 25%; was "
            + passMargin);
      }
      metric = metric.passMargin(passMargin);
    }
    Double negligibleRate = configured.getNegligibleRate();
    if (negligibleRate != null) {
      if (configured.getKind() != ProgressiveCanaryProperties.MetricKind.ERROR_RATE) {
        throw new IllegalArgumentException(property + ".negligible-rate applies only to kind error-rate; this "
            + "metric is " + configured.getKind().name().toLowerCase(Locale.ROOT).replace('_', '-'));
      }
      if (!(negligibleRate >= 0 && negligibleRate <= 0.1)) {
        throw new IllegalArgumentException(property + ".negligible-rate must be an error rate from 0 to 0.1, e.g. "
            + "0.001 for 0.1% (0 turns it off); was " + negligibleRate);
      }
      metric = metric.negligibleRate(negligibleRate);
    }
    return metric.critical(configured.isCritical());
  }
}
