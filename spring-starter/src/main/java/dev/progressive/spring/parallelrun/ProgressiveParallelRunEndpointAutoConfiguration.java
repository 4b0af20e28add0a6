package dev.progressive.spring.parallelrun;

import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.spring.actuate.ParallelRunsEndpoint;
import dev.progressive.spring.shadow.ProgressiveShadowAutoConfiguration;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * Auto-configuration of the read-only {@code parallelruns} actuator endpoint, once a {@link ParallelRunner} bean
 * exists: the experiments of the runner and, when shadowing is on, of the {@link HttpShadow}.
 */
@AutoConfiguration(after = {ProgressiveParallelRunAutoConfiguration.class, ProgressiveShadowAutoConfiguration.class})
@ConditionalOnClass(name = "org.springframework.boot.actuate.endpoint.annotation.Endpoint")
@ConditionalOnBean(ParallelRunner.class)
public class ProgressiveParallelRunEndpointAutoConfiguration {

  @Bean
  @ConditionalOnMissingBean
  @ConditionalOnAvailableEndpoint
  ParallelRunsEndpoint parallelRunsEndpoint(ParallelRunner runner, ObjectProvider<HttpShadow> shadow) {
    return new ParallelRunsEndpoint(runner, shadow.getIfUnique());
  }
}
