package dev.progressive.spring.release;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryScheduler;
import dev.progressive.canary.FleetStore;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.release.ReleasePlan;
import dev.progressive.spring.ProgressiveSecurityProperties;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.spring.canary.ProgressiveCanaryProperties;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunProperties;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.beans.factory.config.ConfigurableListableBeanFactory;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of release plans, when {@code progressive-release} is on the classpath: one {@link ReleasePlan}
 * per entry of {@code progressive.releases}, over the application's {@link Toggles}, canaries, parallel runner, HTTP
 * shadow, fleet store and meter registry; the {@link ReleaseRegistry} of those and of every {@link ReleasePlan} bean;
 * the start of the plans marked {@code auto-start}; and the {@code releases} actuator endpoint. It runs after the
 * toggles, canary, parallel-run and shadow auto-configurations, whose beans it uses. A bad plan fails startup with the
 * property at fault. A verify stage may name an experiment that is built only at its first call: one of a
 * {@code @ParallelRun} method of the context's beans, or one named in {@code progressive.parallel-run.experiments}
 * (see {@link DeclaredExperiments}); or a route of the HTTP shadow, whose comparisons it reads in the registry the
 * shadow counts in.
 */
@AutoConfiguration(afterName = {
    "dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration",
    "dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration",
    "dev.progressive.spring.shadow.ProgressiveShadowAutoConfiguration",
    "dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(ReleasePlan.class)
@ConditionalOnBean(Toggles.class)
@EnableConfigurationProperties({ProgressiveReleaseProperties.class, ProgressiveSecurityProperties.class})
public class ProgressiveReleaseAutoConfiguration {

  private static final Logger LOG = LoggerFactory.getLogger(ProgressiveReleaseAutoConfiguration.class);

  /** The name of the executor bean that runs the plans' looks. */
  public static final String EXECUTOR_BEAN = "progressiveReleaseExecutor";

  static final String SECURITY_CLASS = "org.springframework.security.web.SecurityFilterChain";

  /**
   * The thread of the plans' looks; shut down with the context. Not a default candidate, so that it neither makes
   * Boot's task scheduler back off nor runs the application's {@code @Scheduled} methods.
   */
  @Bean(name = EXECUTOR_BEAN, destroyMethod = "shutdownNow", defaultCandidate = false)
  ScheduledExecutorService progressiveReleaseExecutor() {
    return Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "progressive-release");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The plans: those of {@code progressive.releases}, built here and closed with the registry, then every
   * {@link ReleasePlan} bean.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  ReleaseRegistry progressiveReleaseRegistry(ProgressiveReleaseProperties properties, Toggles toggles,
      ObjectProvider<CanaryRegistry> canaryRegistry, ObjectProvider<Canary> canaryBeans,
      ObjectProvider<ParallelRunner> runner, ObjectProvider<FleetStore> fleet,
      ObjectProvider<MeterRegistry> meterRegistry, ObjectProvider<ProgressiveCanaryProperties> canaryProperties,
      ObjectProvider<ReleasePlan> planBeans, ObjectProvider<ProgressiveParallelRunProperties> parallelRunProperties,
      ObjectProvider<HttpShadow> shadow,
      ConfigurableListableBeanFactory beanFactory,
      @Qualifier(EXECUTOR_BEAN) ScheduledExecutorService progressiveReleaseExecutor) {
    Map<String, Canary> canaries = new LinkedHashMap<>();
    CanaryRegistry registry = canaryRegistry.getIfAvailable();
    if (registry != null) {
      canaries.putAll(registry.all());
    } else {
      canaryBeans.orderedStream().forEach(c -> canaries.putIfAbsent(c.release().name(), c));
    }
    Map<String, Boolean> autoStarted = new LinkedHashMap<>();
    ProgressiveCanaryProperties canaryConfig = canaryProperties.getIfAvailable();
    String instanceId = null;
    if (canaryConfig != null) {
      canaryConfig.getCanaries().forEach((name, d) -> autoStarted.put(name, d.isAutoStart()));
      instanceId = canaryConfig.getFleet().getInstanceId();
    }
    boolean declared = !properties.getReleases().isEmpty();
    // the shadow is resolved only for plans declared here; the registry is the one the shadow auto-configuration
    // builds the shadow with (the single MeterRegistry, else none), so that a verify stage reads where it counts
    PropertyPlans.Context context = new PropertyPlans.Context(toggles, canaries, runner.getIfUnique(), autoStarted,
        declared ? DeclaredExperiments.of(beanFactory, parallelRunProperties.getIfAvailable()) : Set.of(),
        declared ? shadow.getIfUnique() : null, meterRegistry.getIfUnique());
    CanaryScheduler scheduler = CanaryScheduler.of(progressiveReleaseExecutor);
    String instance = instanceId == null || instanceId.isBlank() ? null : instanceId.strip();
    List<ReleasePlan> owned = new ArrayList<>();
    try {
      properties.getReleases().forEach((name, plan) -> owned.add(PropertyPlans.build(name, plan, context, b -> {
        b.scheduler(scheduler);
        fleet.ifUnique(b::fleet);
        meterRegistry.ifUnique(b::meterRegistry);
        if (instance != null) {
          b.instanceId(instance);
        }
      })));
      return new ReleaseRegistry(owned, planBeans.orderedStream().toList());
    } catch (RuntimeException e) {
      owned.forEach(ReleasePlan::close);
      throw e;
    }
  }

  @Bean
  @ConditionalOnMissingBean
  ReleaseAutoStarter progressiveReleaseAutoStarter(ReleaseRegistry registry,
      ProgressiveReleaseProperties properties) {
    return new ReleaseAutoStarter(registry, properties);
  }

  /** The {@code releases} actuator endpoint. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Endpoint.class)
  static class EndpointConfiguration {

    /**
     * The {@code releases} endpoint. Its writes are on or off exactly as the {@code toggles} and {@code canaries}
     * endpoints': with Spring Security (and then they need the write role), or with
     * {@code progressive.security.allow-unsecured-writes}.
     */
    @Bean
    @ConditionalOnMissingBean
    @ConditionalOnAvailableEndpoint
    ReleasesEndpoint releasesEndpoint(ReleaseRegistry registry, ProgressiveSecurityProperties security,
        ResourceLoader resourceLoader) {
      boolean securityPresent = ClassUtils.isPresent(SECURITY_CLASS, resourceLoader.getClassLoader());
      boolean writes = securityPresent || security.isAllowUnsecuredWrites();
      if (!writes) {
        LOG.warn("The releases actuator endpoint is read-only: Spring Security is not on the classpath. Add "
            + "spring-boot-starter-security to let users with role {} approve, advance, pause, resume or abort "
            + "release plans, or set progressive.security.allow-unsecured-writes=true if the management port is "
            + "protected otherwise.", security.getWriteRole());
      } else if (!securityPresent) {
        LOG.warn("progressive.security.allow-unsecured-writes=true: anyone who reaches the releases actuator "
            + "endpoint can approve, advance or abort release plans.");
      }
      return new ReleasesEndpoint(registry, writes, securityPresent && !security.isAllowUnsecuredWrites());
    }
  }
}
