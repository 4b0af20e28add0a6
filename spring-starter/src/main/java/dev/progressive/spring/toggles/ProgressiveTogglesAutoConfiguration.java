package dev.progressive.spring.toggles;

import dev.progressive.spring.toggles.ProgressiveTogglesProperties.Source;
import dev.progressive.spring.toggles.ProgressiveTogglesProperties.StoreType;
import dev.progressive.toggles.FlagValueLayer;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.JdbcFlagStore;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.context.annotation.Bean;
import org.springframework.core.io.ResourceLoader;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of feature toggles: the flag store and the {@link Toggles} bean over the sources of
 * {@code progressive.toggles.*}. It runs after Micrometer's and the
 * DataSource's auto-configuration, so that the application's {@link MeterRegistry} and {@link DataSource} are used.
 * Off with {@code progressive.toggles.enabled=false}. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@ConditionalOnClass(Toggles.class)
@ConditionalOnBooleanProperty(name = "progressive.toggles.enabled", matchIfMissing = true)
@EnableConfigurationProperties(ProgressiveTogglesProperties.class)
public class ProgressiveTogglesAutoConfiguration {

  /**
   * The store of runtime changes. {@link Toggles} closes its store, so the context does not close it again.
   */
  @Bean(destroyMethod = "")
  @ConditionalOnMissingBean
  FlagStore progressiveFlagStore(ProgressiveTogglesProperties properties, ObjectProvider<DataSource> dataSource) {
    if (properties.getStore() == StoreType.MEMORY) {
      return new InMemoryFlagStore();
    }
    DataSource db = dataSource.getIfUnique();
    if (db == null) {
      throw new IllegalStateException("progressive.toggles.store=jdbc needs one DataSource bean in the "
          + "application context, and there is none or more than one. Configure spring.datasource.*, declare a "
          + "FlagStore bean of your own, or set progressive.toggles.store=memory.");
    }
    ProgressiveTogglesProperties.Jdbc jdbc = properties.getJdbc();
    return JdbcFlagStore.builder(db)
        .tablePrefix(jdbc.getTablePrefix())
        .pollInterval(jdbc.getPollInterval())
        .listenNotify(jdbc.isListenNotify())
        .timeout(jdbc.getTimeout())
        .heartbeat(jdbc.getHeartbeat())
        .retryAttempts(jdbc.getRetryAttempts())
        .retryWait(jdbc.getRetryWait())
        .circuitOpenWait(jdbc.getCircuitOpenWait())
        .reconnectMax(jdbc.getReconnectMax())
        .build();
  }

  /**
   * The flags: the sources of {@code progressive.toggles.sources} in order, then every {@link FlagSource} bean in
   * its order, over the store; meters go to the application's registry when there is exactly one. A
   * {@link FlagValueLayer} bean (test support registers one) answers for flags before their definitions.
   */
  @Bean(destroyMethod = "close")
  @ConditionalOnMissingBean
  Toggles progressiveToggles(ProgressiveTogglesProperties properties, FlagStore store,
      ObjectProvider<FlagSource> sourceBeans, ObjectProvider<MeterRegistry> meterRegistry,
      ObjectProvider<FlagValueLayer> valueLayer, ResourceLoader resourceLoader) {
    Toggles.Builder builder = Toggles.builder().store(store)
        .requireValidSources(properties.isRequireValidSources())
        .invalidFlags(properties.getInvalidFlags());
    ClassLoader classLoader = resourceLoader.getClassLoader() != null
        ? resourceLoader.getClassLoader() : ClassUtils.getDefaultClassLoader();
    FlagSourceFactory sourceFactory = new FlagSourceFactory(classLoader);
    List<Source> sources = properties.getSources();
    for (int i = 0; i < sources.size(); i++) {
      builder.source(sourceFactory.create(sources.get(i), i));
    }
    sourceBeans.orderedStream().forEach(builder::source);
    meterRegistry.ifUnique(builder::meterRegistry);
    valueLayer.ifUnique(builder::valueLayer);
    return builder.build();
  }
}
