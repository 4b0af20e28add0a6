package dev.progressive.spring.canary;

import dev.progressive.canary.Canary;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.PrometheusMetricSource;
import dev.progressive.spring.toggles.ProgressiveTogglesAutoConfiguration;
import dev.progressive.spring.toggles.ProgressiveTogglesProperties;
import io.micrometer.core.instrument.config.MeterFilter;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of canary releases: one {@link Canary} per entry of {@code progressive.canary.canaries} (built
 * over the application's {@code Toggles}), the {@link CanaryRegistry} of every {@link Canary} bean, the single daemon
 * thread that runs their analysis, the fleet store beside a JDBC flag store, with
 * {@code progressive.canary.prometheus.url} the Prometheus they are judged on. It runs after the toggles'
 * auto-configuration, whose {@code Toggles} keeps the canaries' state. Off with
 * {@code progressive.canary.enabled=false}. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(after = ProgressiveTogglesAutoConfiguration.class, afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnClass(Canary.class)
@ConditionalOnBooleanProperty(name = "progressive.canary.enabled", matchIfMissing = true)
@EnableConfigurationProperties({ProgressiveCanaryProperties.class, ProgressiveTogglesProperties.class})
public class ProgressiveCanaryAutoConfiguration {

  @Bean
  static CanaryBeanRegistrar progressiveCanaryBeanRegistrar() {
    return new CanaryBeanRegistrar();
  }

  /**
   * The thread of the canaries' analysis; shut down with the context. Not a default candidate, so that it neither
   * makes Boot's task scheduler back off nor runs the application's {@code @Scheduled} methods.
   */
  @Bean(name = CanaryBeanRegistrar.EXECUTOR_BEAN, destroyMethod = "shutdownNow", defaultCandidate = false)
  ScheduledExecutorService progressiveCanaryExecutor() {
    return Executors.newSingleThreadScheduledExecutor(task -> {
      Thread thread = new Thread(task, "progressive-canary");
      thread.setDaemon(true);
      return thread;
    });
  }

  /**
   * The fleet's metrics from Prometheus, when {@code progressive.canary.prometheus.url} is set: every configured
   * canary is judged on them instead of on this instance's own outcomes. A {@link MetricSource} bean of the
   * application wins.
   */
  @Bean
  @ConditionalOnMissingBean(MetricSource.class)
  @ConditionalOnProperty(prefix = "progressive.canary.prometheus", name = "url")
  PrometheusMetricSource progressiveCanaryMetricSource(ProgressiveCanaryProperties properties) {
    return PrometheusMetricSourceFactory.create(properties.getPrometheus());
  }

  /**
   * The latency histogram of {@code progressive.canary.requests} (Spring Boot applies {@link MeterFilter} beans to
   * its registries), when the canaries are judged on Prometheus: without its buckets the fleet's latencies cannot
   * be judged. Libraries leave histograms to the application; setting the Prometheus URL is the application's
   * choice to judge latencies from them.
   */
  @Bean
  @ConditionalOnMissingBean(name = "progressiveCanaryLatencyHistogram")
  @ConditionalOnProperty(prefix = "progressive.canary.prometheus", name = "url")
  static MeterFilter progressiveCanaryLatencyHistogram() {
    return Canary.latencyHistogram();
  }

  /**
   * The fleet store in the JDBC flag store's database, with its table prefix, so that one instance judges each
   * canary on the whole fleet's traffic. A {@link FleetStore} bean of the application wins;
   * {@code progressive.canary.fleet.enabled=false} turns it off.
   */
  @Bean
  @ConditionalOnMissingBean(FleetStore.class)
  @ConditionalOnBooleanProperty(name = "progressive.canary.fleet.enabled", matchIfMissing = true)
  @ConditionalOnProperty(name = "progressive.toggles.store", havingValue = "jdbc")
  @ConditionalOnSingleCandidate(DataSource.class)
  FleetStore progressiveCanaryFleetStore(ProgressiveTogglesProperties toggles, DataSource dataSource) {
    return JdbcFleetStore.builder(dataSource).tablePrefix(toggles.getJdbc().getTablePrefix()).build();
  }

  @Bean
  @ConditionalOnMissingBean
  CanaryRegistry progressiveCanaryRegistry(ObjectProvider<Canary> canaries) {
    return new CanaryRegistry(canaries.orderedStream().toList());
  }

  @Bean
  @ConditionalOnMissingBean
  CanaryAutoStarter progressiveCanaryAutoStarter(CanaryRegistry registry, ProgressiveCanaryProperties properties) {
    return new CanaryAutoStarter(registry, properties);
  }
}
