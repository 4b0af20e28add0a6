package dev.progressive.spring;

import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.spring.annotation.CanaryAspect;
import dev.progressive.spring.annotation.FeatureToggleAspect;
import dev.progressive.spring.annotation.ParallelRunAspect;
import dev.progressive.spring.annotation.ProgressiveAnnotationValidator;
import dev.progressive.spring.canary.CanaryRegistry;
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
 * Auto-configuration of Progressive's annotations. Their aspects need AspectJ's weaver on the classpath
 * ({@code spring-boot-starter-aspectj}), which also lets Spring Boot turn on auto-proxying.
 */
@AutoConfiguration(after = ProgressiveAutoConfiguration.class,
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

  /** {@code @Canary}. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnBean(CanaryRegistry.class)
  static class CanaryAnnotationConfiguration {

    @Bean
    @ConditionalOnMissingBean
    CanaryAspect canaryAspect(CanaryRegistry registry, BeanFactory beanFactory) {
      return new CanaryAspect(registry, beanFactory, CanaryAspect.DEFAULT_ORDER);
    }
  }

  /** Checks the annotations of every bean at startup. Static, as a bean post-processor should be. */
  @Bean
  @ConditionalOnMissingBean
  static ProgressiveAnnotationValidator progressiveAnnotationValidator() {
    return new ProgressiveAnnotationValidator();
  }
}
