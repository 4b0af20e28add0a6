package dev.progressive.spring.annotation;

import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.spring.canary.ProgressiveCanaryAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunAutoConfiguration;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunProperties;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.toggles.Toggles;
import org.springframework.beans.factory.BeanFactory;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Auto-configuration of Progressive's annotations: the aspect of each annotation whose feature's bean exists
 * ({@code @FeatureToggle} with a {@link Toggles}, {@code @CanaryRouted} with a {@link CanaryRegistry},
 * {@code @ParallelRun} with a {@link ParallelRunner}, whoever declared it), and the check of all three at startup.
 * The aspects need AspectJ's weaver on the classpath ({@code spring-boot-starter-aspectj}), which also lets Spring
 * Boot turn on auto-proxying. It runs after the features' auto-configurations, so that it sees their beans.
 */
@AutoConfiguration(after = {ProgressiveTogglesAutoConfiguration.class, ProgressiveCanaryAutoConfiguration.class,
    ProgressiveParallelRunAutoConfiguration.class},
    afterName = "org.springframework.boot.autoconfigure.aop.AopAutoConfiguration")
@ConditionalOnClass(name = "org.aspectj.weaver.Advice")
@EnableConfigurationProperties(ProgressiveParallelRunProperties.class)
public class ProgressiveAnnotationsAutoConfiguration {

  /** {@code @FeatureToggle}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(Toggles.class)
  static class FeatureToggleConfiguration {

    @Bean
    @ConditionalOnMissingBean
    FeatureToggleAspect featureToggleAspect(Toggles toggles) {
      return new FeatureToggleAspect(toggles, FeatureToggleAspect.DEFAULT_ORDER);
    }
  }

  /** {@code @ParallelRun}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(ParallelRunner.class)
  static class ParallelRunAnnotationConfiguration {

    @Bean
    @ConditionalOnMissingBean
    ParallelRunAspect parallelRunAspect(ParallelRunner runner, ProgressiveParallelRunProperties properties,
        BeanFactory beanFactory) {
      return new ParallelRunAspect(runner, properties, beanFactory, ParallelRunAspect.DEFAULT_ORDER);
    }
  }

  /** {@code @CanaryRouted}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(CanaryRegistry.class)
  static class CanaryRoutedConfiguration {

    /** Named {@code canaryAspect}, as before the annotation was renamed from {@code @Canary}. */
    @Bean
    @ConditionalOnMissingBean
    CanaryRoutedAspect canaryAspect(CanaryRegistry registry, BeanFactory beanFactory) {
      return new CanaryRoutedAspect(registry, beanFactory, CanaryRoutedAspect.DEFAULT_ORDER);
    }
  }

  /** Checks the annotations of every bean at startup. Static, as a bean post-processor should be. */
  @Bean
  @ConditionalOnMissingBean
  static ProgressiveAnnotationValidator progressiveAnnotationValidator() {
    return new ProgressiveAnnotationValidator();
  }
}
