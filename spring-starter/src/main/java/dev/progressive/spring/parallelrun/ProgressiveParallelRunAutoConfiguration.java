package dev.progressive.spring.parallelrun;

import dev.progressive.parallelrun.ParallelRunner;
import io.micrometer.core.instrument.MeterRegistry;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of parallel runs: the bounded {@link ParallelRunner} that candidates run on. It runs after
 * Micrometer's auto-configuration, so that the application's {@link MeterRegistry} is used. Off with
 * {@code progressive.parallel-run.enabled=false}. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(ParallelRunner.class)
@ConditionalOnBooleanProperty(name = "progressive.parallel-run.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ProgressiveParallelRunProperties.class)
public class ProgressiveParallelRunAutoConfiguration {

  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  ParallelRunner progressiveParallelRunner(ProgressiveParallelRunProperties properties,
      ObjectProvider<MeterRegistry> meterRegistry) {
    ParallelRunner.Builder builder = ParallelRunner.builder()
        .name("progressive")
        .threads(properties.getThreads())
        .timeout(properties.getTimeout())
        .idlePollInterval(properties.getIdlePollInterval())
        .comparisonQueueCapacity(properties.getComparisonQueueCapacity())
        .mismatchLog(properties.getMismatchLogLimit(), properties.getMismatchLogInterval());
    meterRegistry.ifUnique(builder::meterRegistry);
    return builder.build();
  }
}
