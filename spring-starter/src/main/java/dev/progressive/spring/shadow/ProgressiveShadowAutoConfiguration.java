package dev.progressive.spring.shadow;

import dev.progressive.parallelrun.diff.DiffOptions;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.parallelrun.http.ShadowRoute;
import dev.progressive.spring.BaseUrlProperty;
import dev.progressive.spring.parallelrun.ProgressiveParallelRunProperties;
import io.micrometer.core.instrument.MeterRegistry;
import java.util.List;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionOutcome;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.boot.autoconfigure.condition.SpringBootCondition;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.context.annotation.Conditional;
import org.springframework.core.env.Environment;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Auto-configuration of HTTP shadowing: in a servlet application with {@code progressive.parallel-run.shadow.candidate}
 * set, a filter hands the requests of the configured routes to an {@link HttpShadow}, which replays them against the
 * candidate. The base URLs may hold placeholders known only once the server runs ({@code ${local.server.port}}):
 * they are resolved on first use, and checked at startup as far as they can be. Off with
 * {@code progressive.parallel-run.enabled=false}. Every bean backs off when the application declares its own.
 */
@AutoConfiguration(afterName = {
    "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration",
    "org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration"})
@ConditionalOnClass(name = {"dev.progressive.parallelrun.http.HttpShadow",
    "org.springframework.web.filter.OncePerRequestFilter", "jakarta.servlet.Filter"})
@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
@ConditionalOnBooleanProperty(name = "progressive.parallel-run.enabled", matchIfMissing = true)
@Conditional(ProgressiveShadowAutoConfiguration.OnShadowCandidateCondition.class)
@EnableConfigurationProperties(ProgressiveParallelRunProperties.class)
public class ProgressiveShadowAutoConfiguration {

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
      builder.route(route(routes.get(i), i));
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

  private static ShadowRoute route(ProgressiveParallelRunProperties.Route route, int index) {
    String property = "progressive.parallel-run.shadow.routes[" + index + "]";
    if (route.getName() == null || route.getName().isBlank() || route.getPath() == null
        || !route.getPath().startsWith("/")) {
      throw new IllegalArgumentException(property + " needs a name and a path starting with '/'");
    }
    return ShadowRoute.builder(route.getName(), route.getPath())
        .compareHeaders(route.getCompareHeaders().toArray(String[]::new))
        .allowUnsafeMethods(route.getAllowUnsafeMethods().toArray(String[]::new))
        .diffOptions(DiffOptions.builder()
            .ignorePaths(route.getIgnorePaths().toArray(String[]::new))
            .ignoreArrayOrder(route.isIgnoreArrayOrder())
            .build())
        .build();
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
