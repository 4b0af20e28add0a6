package dev.progressive.spring.canary;

import dev.progressive.spring.StarterAutoConfigurations;
import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.canary.Canary;
import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.CanaryState;
import dev.progressive.canary.FleetStore;
import dev.progressive.canary.JdbcFleetStore;
import dev.progressive.toggles.Toggles;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.Test;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.task.TaskSchedulingAutoConfiguration;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.scheduling.TaskScheduler;
import org.springframework.scheduling.annotation.EnableScheduling;
import org.springframework.scheduling.concurrent.ThreadPoolTaskScheduler;

class CanaryAutoConfigurationTest {

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features())
      .withPropertyValues("progressive.toggles.open-feature.enabled=false", "progressive.parallel-run.enabled=false",
          "progressive.canary.canaries.checkout-v2.steps[0].weight=5",
          "progressive.canary.canaries.checkout-v2.steps[0].min-duration=10m",
          "progressive.canary.canaries.checkout-v2.steps[0].min-requests=200",
          "progressive.canary.canaries.checkout-v2.steps[1].weight=50.5",
          "progressive.canary.canaries.checkout-v2.analysis-interval=30s",
          "progressive.canary.canaries.checkout-v2.max-inconclusive=1h",
          "progressive.canary.canaries.checkout-v2.dry-run=true");

  @Test
  void configuresACanaryBeanPerConfiguredCanaryWithItsScheduleAndRegistersIt() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      Canary canary = context.getBean("checkout-v2Canary", Canary.class);
      CanaryRelease release = canary.release();
      assertThat(release.name()).isEqualTo("checkout-v2");
      assertThat(release.steps()).containsExactly(new CanaryRelease.Step(500, Duration.ofMinutes(10), 200),
          new CanaryRelease.Step(5050, Duration.ofMinutes(5), 100));
      assertThat(release.analysisInterval()).isEqualTo(Duration.ofSeconds(30));
      assertThat(release.maxInconclusive()).isEqualTo(Duration.ofHours(1));
      assertThat(release.dryRun()).isTrue();
      assertThat(canary.state()).isEqualTo(CanaryState.PENDING);
      assertThat(canary.weight()).isZero();
      assertThat(context.getBean(CanaryRegistry.class).all()).containsOnlyKeys("checkout-v2");
      assertThat(context.getBean(CanaryRegistry.class).find("checkout-v2")).containsSame(canary);
      assertThat(context.getBean(Toggles.class).keys()).contains(release.flagKey());
    });
  }

  @Test
  void startsOnlyTheCanariesMarkedAutoStart() {
    runner.withPropertyValues("progressive.canary.canaries.checkout-v2.auto-start=true",
        "progressive.canary.canaries.search.steps[0].weight=10").run(context -> {
          CanaryRegistry registry = context.getBean(CanaryRegistry.class);
          Canary checkout = registry.find("checkout-v2").orElseThrow();
          assertThat(checkout.state()).isEqualTo(CanaryState.PROGRESSING);
          assertThat(checkout.weight()).isEqualTo(500);
          assertThat(registry.find("search").orElseThrow().state()).isEqualTo(CanaryState.PENDING);
        });
  }

  @Test
  void reportsToTheApplicationsMeterRegistry() {
    runner.withPropertyValues("progressive.canary.canaries.checkout-v2.auto-start=true")
        .withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
          Canary canary = context.getBean(Canary.class);
          canary.call("user-1", () -> "baseline", () -> "canary");
          MeterRegistry meters = context.getBean(MeterRegistry.class);
          assertThat(meters.find("progressive.canary.requests").tag("canary", "checkout-v2").timers().stream()
              .mapToLong(timer -> timer.count()).sum()).isEqualTo(1);
          assertThat(meters.find("progressive.canary.weight").tag("canary", "checkout-v2").gauge()).isNotNull();
        });
  }

  @Test
  void addsTheApplicationsOwnCanaryBeansToTheRegistry() {
    runner.withUserConfiguration(OwnCanary.class)
        .run(context -> assertThat(context.getBean(CanaryRegistry.class).all())
            .containsOnlyKeys("checkout-v2", "own"));
  }

  @Configuration(proxyBeanMethods = false)
  static class OwnCanary {
    @Bean(destroyMethod = "close")
    Canary ownCanary(Toggles toggles) {
      return Canary.builder(CanaryRelease.builder("own").step(1, Duration.ofMinutes(1), 10).build(), toggles).build();
    }
  }

  @Test
  void shutsTheSchedulerDownWithTheContext() {
    AtomicReference<ScheduledExecutorService> executor = new AtomicReference<>();
    runner.run(context -> {
      executor.set(context.getBean(CanaryBeanRegistrar.EXECUTOR_BEAN, ScheduledExecutorService.class));
      assertThat(executor.get().isShutdown()).isFalse();
    });
    assertThat(executor.get().isShutdown()).isTrue();
  }

  @Test
  void leavesTheApplicationsScheduledMethodsToBootsTaskScheduler() {
    runner.withConfiguration(AutoConfigurations.of(TaskSchedulingAutoConfiguration.class))
        .withUserConfiguration(Scheduling.class).run(context -> {
          assertThat(context).hasNotFailed().hasSingleBean(ThreadPoolTaskScheduler.class);
          assertThat(context.getBean(TaskScheduler.class)).isInstanceOf(ThreadPoolTaskScheduler.class);
        });
  }

  @Configuration(proxyBeanMethods = false)
  @EnableScheduling
  static class Scheduling {
  }

  @Test
  void anInvalidScheduleFailsAtStartupNamingTheCanary() {
    runner.withPropertyValues("progressive.canary.canaries.checkout-v2.steps[1].weight=3").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("steps must increase"));
    runner.withPropertyValues("progressive.canary.canaries.checkout-v2.steps[1].weight=3").run(context ->
        assertThat(context).getFailure().hasStackTraceContaining("progressive.canary.canaries.checkout-v2"));
  }

  @Test
  void isOffByProperty() {
    runner.withPropertyValues("progressive.canary.enabled=false").run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(Canary.class).doesNotHaveBean(CanaryRegistry.class)
          .doesNotHaveBean(CanaryBeanRegistrar.EXECUTOR_BEAN);
    });
  }

  @Test
  void isOffWithoutTheCanaryLibrary() {
    runner.withClassLoader(new FilteredClassLoader(Canary.class)).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).doesNotHaveBean(CanaryRegistry.class).doesNotHaveBean(CanaryBeanRegistrar.EXECUTOR_BEAN);
    });
  }

  @Test
  void backsOffForTheApplicationsRegistry() {
    CanaryRegistry own = new CanaryRegistry(List.of());
    runner.withBean(CanaryRegistry.class, () -> own).run(context -> {
      assertThat(context).hasNotFailed();
      assertThat(context).getBean(CanaryRegistry.class).isSameAs(own);
    });
  }

  @Test
  void withTheJdbcFlagStoreTheCanariesShareTheirWindowsInItsDatabase() {
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("progressive.toggles.store=jdbc", "progressive.toggles.jdbc.table-prefix=fleet_",
            "spring.datasource.url=jdbc:h2:mem:canaryfleet;DB_CLOSE_DELAY=-1",
            "progressive.canary.fleet.instance-id=pod-7",
            "progressive.canary.canaries.checkout-v2.inconclusive-timeout=wait-for-operator")
        .run(context -> {
          assertThat(context).hasNotFailed();
          FleetStore fleet = context.getBean(FleetStore.class);
          assertThat(fleet).isInstanceOf(JdbcFleetStore.class);
          Canary canary = context.getBean(Canary.class);
          assertThat(canary.fleetStatus().shared()).isTrue();
          assertThat(canary.fleetStatus().instance()).isEqualTo("pod-7");
          // the store's plain SQL runs on H2 too: upsert, read, lease compare-and-set, clean-up
          FleetStore.WindowKey key = new FleetStore.WindowKey("checkout-v2", 0, 1_000);
          fleet.publish(key, new FleetStore.WindowRow("pod-7", 1, new byte[] {1}, 5));
          fleet.publish(key, new FleetStore.WindowRow("pod-7", 1, new byte[] {2}, 6));
          assertThat(fleet.windows(key)).singleElement().satisfies(row -> {
            assertThat(row.payload()).containsExactly(2);
            assertThat(row.publishedAtMillis()).isEqualTo(6);
          });
          assertThat(fleet.compareAndSetLease("checkout-v2", 0, "pod-7", 100)).isTrue();
          assertThat(fleet.compareAndSetLease("checkout-v2", 0, "pod-8", 100)).isFalse();
          assertThat(fleet.compareAndSetLease("checkout-v2", 1, "pod-8", 200)).isTrue();
          assertThat(fleet.lease("checkout-v2")).get().extracting(FleetStore.Lease::holder).isEqualTo("pod-8");
          fleet.retainOnly("checkout-v2", java.util.Optional.empty());
          assertThat(fleet.windows(key)).isEmpty();
        });
  }

  @Test
  void theFleetStoreIsOffByPropertyAndWithTheInMemoryFlagStore() {
    runner.run(context -> {
      assertThat(context).doesNotHaveBean(FleetStore.class);
      assertThat(context.getBean(Canary.class).fleetStatus().shared()).isFalse();
    });
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("progressive.toggles.store=jdbc", "progressive.canary.fleet.enabled=false",
            "spring.datasource.url=jdbc:h2:mem:canaryfleetoff;DB_CLOSE_DELAY=-1")
        .run(context -> assertThat(context).hasNotFailed().doesNotHaveBean(FleetStore.class));
  }
}
