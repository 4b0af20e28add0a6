package dev.progressive.spring;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.canary.Canary;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.PrometheusMetricSource;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.diff.DiffOptions;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRoute;
import dev.progressive.spring.ProgressiveTogglesProperties.Source;
import dev.progressive.spring.ProgressiveTogglesProperties.StoreType;
import dev.progressive.spring.canary.CanaryAutoStarter;
import dev.progressive.spring.canary.CanaryBeanRegistrar;
import dev.progressive.spring.canary.CanaryRegistry;
import dev.progressive.spring.web.ShadowFilter;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.FlagValueLayer;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.ClasspathSource;
import dev.progressive.toggles.source.DirectorySource;
import dev.progressive.toggles.source.FileSource;
import dev.progressive.toggles.source.HttpSource;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.JdbcFlagStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.config.MeterFilter;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import javax.sql.DataSource;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnSingleCandidate;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.core.io.ResourceLoader;
import org.springframework.core.type.AnnotatedTypeMetadata;
import org.springframework.util.ClassUtils;

/**
 * Auto-configuration of Progressive's feature toggles and parallel runs. It runs after Micrometer's and the
 * DataSource's auto-configuration, so that the application's {@link MeterRegistry} and {@link DataSource} are used.
 * Every bean backs off when the application declares its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration",
    "org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration"})
@EnableConfigurationProperties({ProgressiveTogglesProperties.class, ProgressiveParallelRunProperties.class,
    ProgressiveSecurityProperties.class, ProgressiveCanaryProperties.class})
public class ProgressiveAutoConfiguration {

  /** Feature toggles: the flag store, the {@link Toggles} bean and its OpenFeature face. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Toggles.class)
  @ConditionalOnBooleanProperty(name = "progressive.toggles.enabled", matchIfMissing = true)
  static class TogglesConfiguration {

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
      List<Source> sources = properties.getSources();
      for (int i = 0; i < sources.size(); i++) {
        builder.source(source(sources.get(i), i, classLoader));
      }
      sourceBeans.orderedStream().forEach(builder::source);
      meterRegistry.ifUnique(builder::meterRegistry);
      valueLayer.ifUnique(builder::valueLayer);
      return builder.build();
    }

    static FlagSource source(Source source, int index, ClassLoader classLoader) {
      String property = "progressive.toggles.sources[" + index + "]";
      if (source.getType() == null) {
        throw new IllegalArgumentException(property + ".type must be classpath, file, directory or http");
      }
      String location = source.getLocation();
      if (location == null || location.isBlank()) {
        throw new IllegalArgumentException(property + ".location is required");
      }
      switch (source.getType()) {
        case CLASSPATH -> {
          String resource = location.startsWith("classpath:") ? location.substring("classpath:".length()) : location;
          while (resource.startsWith("/")) {
            resource = resource.substring(1);
          }
          return ClasspathSource.of(resource, classLoader);
        }
        case FILE -> {
          FileSource.Builder file = FileSource.builder(Path.of(location));
          if (source.getPollInterval() != null) {
            file.pollInterval(source.getPollInterval());
          }
          if (source.getDebounce() != null) {
            file.debounce(source.getDebounce());
          }
          return file.build();
        }
        case DIRECTORY -> {
          DirectorySource.Builder directory = DirectorySource.builder(Path.of(location));
          if (source.getPollInterval() != null) {
            directory.pollInterval(source.getPollInterval());
          }
          if (source.getDebounce() != null) {
            directory.debounce(source.getDebounce());
          }
          return directory.build();
        }
        case HTTP -> {
          URI uri;
          try {
            uri = URI.create(location);
          } catch (IllegalArgumentException e) {
            throw new IllegalArgumentException(property + ".location is not a URL: " + location, e);
          }
          HttpSource.Builder http = HttpSource.builder(uri);
          if (source.getPollInterval() != null) {
            http.pollInterval(source.getPollInterval());
          }
          if (source.getTimeout() != null) {
            http.timeout(source.getTimeout());
          }
          source.getHeaders().forEach(http::header);
          if (source.getBackupFile() != null && !source.getBackupFile().isBlank()) {
            http.backupFile(Path.of(source.getBackupFile()));
          }
          return http.build();
        }
        default -> throw new IllegalArgumentException(property + ".type " + source.getType() + " is not supported");
      }
    }

    /** The OpenFeature face of the same {@link Toggles}: a provider, its registration and a client. */
    @Configuration(proxyBeanMethods = false)
    @ConditionalOnClass(OpenFeatureAPI.class)
    @ConditionalOnBooleanProperty(name = "progressive.toggles.open-feature.enabled", matchIfMissing = true)
    static class OpenFeatureConfiguration {

      @Bean
      @ConditionalOnMissingBean
      ProgressiveProvider progressiveProvider(Toggles toggles) {
        return new ProgressiveProvider(toggles);
      }

      /** The JVM-wide API. Closing the context must not shut it down for everyone else in the JVM. */
      @Bean(destroyMethod = "")
      @ConditionalOnMissingBean
      OpenFeatureAPI openFeatureApi() {
        return OpenFeatureAPI.getInstance();
      }

      @Bean
      @ConditionalOnMissingBean
      OpenFeatureRegistration progressiveOpenFeatureRegistration(OpenFeatureAPI api, ProgressiveProvider provider,
          ProgressiveTogglesProperties properties) {
        return new OpenFeatureRegistration(api, provider, properties.getOpenFeature().getDomain());
      }

      @Bean
      @ConditionalOnMissingBean
      Client progressiveOpenFeatureClient(OpenFeatureAPI api, OpenFeatureRegistration registration) {
        return registration.domain() == null ? api.getClient() : api.getClient(registration.domain());
      }
    }
  }

  /**
   * HTTP shadowing: in a servlet application with {@code progressive.parallel-run.shadow.candidate} set, a filter
   * hands the requests of the configured routes to an {@link HttpShadow}, which replays them against the candidate.
   * The base URLs may hold placeholders known only once the server runs ({@code ${local.server.port}}): they are
   * resolved on first use, and checked at startup as far as they can be.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(name = {"dev.progressive.parallelrun.http.HttpShadow",
      "org.springframework.web.filter.OncePerRequestFilter", "jakarta.servlet.Filter"})
  @ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
  @ConditionalOnBooleanProperty(name = "progressive.parallel-run.enabled", matchIfMissing = true)
  @Conditional(ShadowConfiguration.OnShadowCandidateCondition.class)
  static class ShadowConfiguration {

    static final String CANDIDATE = "progressive.parallel-run.shadow.candidate";
    static final String SECONDARY = "progressive.parallel-run.shadow.secondary";

    @Bean(destroyMethod = "close")
    @ConditionalOnMissingBean
    HttpShadow progressiveHttpShadow(ProgressiveParallelRunProperties properties,
        ObjectProvider<MeterRegistry> meterRegistry, Environment environment) {
      ProgressiveParallelRunProperties.Shadow shadow = properties.getShadow();
      BaseUrlProperty candidate = new BaseUrlProperty(CANDIDATE, nullToEmpty(shadow.getCandidate()), environment);
      candidate.validateEarly();
      HttpShadow.Builder builder = HttpShadow.builder()
          .candidate(candidate)
          .sampleRate(shadow.getSampleRate())
          .maxConcurrent(shadow.getMaxConcurrent())
          .threads(shadow.getThreads())
          .timeout(shadow.getTimeout());
      if (shadow.getSecondary() != null && !shadow.getSecondary().isBlank()) {
        BaseUrlProperty secondary = new BaseUrlProperty(SECONDARY, shadow.getSecondary(), environment);
        secondary.validateEarly();
        builder.secondary(secondary);
      }
      List<ProgressiveParallelRunProperties.Route> routes = shadow.getRoutes();
      if (routes.isEmpty()) {
        throw new IllegalArgumentException("progressive.parallel-run.shadow.candidate is set but no "
            + "progressive.parallel-run.shadow.routes are: name at least one route to shadow");
      }
      for (int i = 0; i < routes.size(); i++) {
        ProgressiveParallelRunProperties.Route route = routes.get(i);
        String property = "progressive.parallel-run.shadow.routes[" + i + "]";
        if (route.getName() == null || route.getName().isBlank() || route.getPath() == null
            || !route.getPath().startsWith("/")) {
          throw new IllegalArgumentException(property + " needs a name and a path starting with '/'");
        }
        builder.route(ShadowRoute.builder(route.getName(), route.getPath())
            .compareHeaders(route.getCompareHeaders().toArray(String[]::new))
            .allowUnsafeMethods(route.getAllowUnsafeMethods().toArray(String[]::new))
            .diffOptions(DiffOptions.builder()
                .ignorePaths(route.getIgnorePaths().toArray(String[]::new))
                .ignoreArrayOrder(route.isIgnoreArrayOrder())
                .build())
            .build());
      }
      meterRegistry.ifUnique(builder::meterRegistry);
      return builder.build();
    }

    @Bean
    @ConditionalOnMissingBean
    ShadowFilter progressiveShadowFilter(HttpShadow shadow, ProgressiveParallelRunProperties properties) {
      return new ShadowFilter(shadow,
          properties.getShadow().getRoutes().stream().map(ProgressiveParallelRunProperties.Route::getPath).toList());
    }

    private static String nullToEmpty(String value) {
      return value == null ? "" : value;
    }

    /**
     * Matches when the candidate is set. Read through a {@link Binder}, which leaves a placeholder that cannot be
     * resolved yet as it is, where the environment would fail on it.
     */
    static class OnShadowCandidateCondition extends SpringBootCondition {

      @Override
      public ConditionOutcome getMatchOutcome(ConditionContext context, AnnotatedTypeMetadata metadata) {
        return Binder.get(context.getEnvironment()).bind(CANDIDATE, String.class).isBound()
            ? ConditionOutcome.match(CANDIDATE + " is set")
            : ConditionOutcome.noMatch(CANDIDATE + " is not set");
      }
    }
  }

  /** Parallel runs: the bounded runner that candidates run on. */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(ParallelRunner.class)
  @ConditionalOnBooleanProperty(name = "progressive.parallel-run.enabled", matchIfMissing = true)
  static class ParallelRunConfiguration {

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

  /**
   * Canary releases: one {@link Canary} per entry of {@code progressive.canary.canaries}, the {@link CanaryRegistry}
   * of every {@link Canary} bean, the single daemon thread that runs their analysis, and, with
   * {@code progressive.canary.prometheus.url}, the Prometheus they are judged on.
   */
  @Configuration(proxyBeanMethods = false)
  @ConditionalOnClass(Canary.class)
  @ConditionalOnBooleanProperty(name = "progressive.canary.enabled", matchIfMissing = true)
  static class CanaryConfiguration {

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
      return prometheus(properties.getPrometheus());
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

    static PrometheusMetricSource prometheus(ProgressiveCanaryProperties.Prometheus prometheus) {
      String property = "progressive.canary.prometheus.";
      String url = prometheus.getUrl() == null ? "" : prometheus.getUrl().trim();
      URI uri;
      try {
        uri = new URI(url);
      } catch (URISyntaxException e) {
        throw new IllegalArgumentException(property + "url is not a valid URL: '" + url + "'", e);
      }
      if (uri.getHost() == null) {
        throw new IllegalArgumentException(property + "url must be an absolute http or https URL with a host, was '"
            + url + "'");
      }
      PrometheusMetricSource.Builder builder;
      try {
        builder = PrometheusMetricSource.builder(uri);
      } catch (IllegalArgumentException e) {
        throw new IllegalArgumentException(property + "url: " + e.getMessage(), e);
      }
      try {
        builder.timeout(prometheus.getTimeout());
      } catch (RuntimeException e) {
        throw new IllegalArgumentException(property + "timeout: " + e.getMessage(), e);
      }
      if (prometheus.getRequestsQuery() != null && !prometheus.getRequestsQuery().isBlank()) {
        try {
          builder.requestsQuery(prometheus.getRequestsQuery());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(property + "requests-query: " + e.getMessage(), e);
        }
      }
      if (prometheus.getErrorsQuery() != null && !prometheus.getErrorsQuery().isBlank()) {
        try {
          builder.errorsQuery(prometheus.getErrorsQuery());
        } catch (IllegalArgumentException e) {
          throw new IllegalArgumentException(property + "errors-query: " + e.getMessage(), e);
        }
      }
      return builder.build();
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
}
