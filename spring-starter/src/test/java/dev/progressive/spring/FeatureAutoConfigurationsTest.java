package dev.progressive.spring;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.parallelrun.ParallelRunner;
import dev.progressive.parallelrun.http.HttpShadow;
import dev.progressive.spring.shadow.ShadowFilter;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.source.SourceHealth;
import dev.progressive.toggles.store.FlagStore;
import dev.progressive.toggles.store.InMemoryFlagStore;
import dev.progressive.toggles.store.JdbcFlagStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.jdbc.autoconfigure.DataSourceAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.boot.test.context.runner.WebApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The features' auto-configurations together, as an application gets them: toggles and their sources, OpenFeature,
 * parallel runs and shadowing, their switches, and the generated metadata of every property.
 */
class FeatureAutoConfigurationsTest {

  private static final String FLAGS = """
      {"flags": {"extra": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}""";

  private final ApplicationContextRunner runner = new ApplicationContextRunner()
      .withConfiguration(StarterAutoConfigurations.features())
      .withPropertyValues("progressive.toggles.sources[0].location=classpath:flags.json",
          "progressive.toggles.open-feature.domain=auto-configuration-test");

  @Test
  void configuresTogglesFromAClasspathSourceWithAnInMemoryStoreAProviderAndAClient() {
    runner.run(context -> {
      assertThat(context).hasNotFailed();
      Toggles toggles = context.getBean(Toggles.class);
      assertThat(toggles.keys()).containsExactly("checkout", "color", "new-menu");
      assertThat(context).getBean(FlagStore.class).isInstanceOf(InMemoryFlagStore.class);
      assertThat(context.getBean(ProgressiveProvider.class).toggles()).isSameAs(toggles);
      Client client = context.getBean(Client.class);
      assertThat(client.getStringValue("color", "none")).isEqualTo("#00f");
      assertThat(OpenFeatureAPI.getInstance().getProvider("auto-configuration-test"))
          .isSameAs(context.getBean(ProgressiveProvider.class));
    });
  }

  @Test
  void unregistersTheProviderWhenTheContextCloses() {
    List<ProgressiveProvider> seen = new ArrayList<>();
    runner.run(context -> seen.add(context.getBean(ProgressiveProvider.class)));
    assertThat(OpenFeatureAPI.getInstance().getProvider("auto-configuration-test")).isNotSameAs(seen.get(0));
  }

  @Test
  void registersTheDefaultProviderWithoutADomain() {
    runner.withPropertyValues("progressive.toggles.open-feature.domain=").run(context -> {
      assertThat(OpenFeatureAPI.getInstance().getProvider()).isSameAs(context.getBean(ProgressiveProvider.class));
      assertThat(context.getBean(Client.class).getBooleanValue("new-menu", true)).isFalse();
    });
    assertThat(OpenFeatureAPI.getInstance().getProvider()).isNotInstanceOf(ProgressiveProvider.class);
  }

  @Test
  void readsFileAndDirectorySourcesInOrderWithTheirOptions(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ops.json");
    Files.writeString(file, FLAGS);
    Path flagsDir = Files.createDirectory(dir.resolve("more"));
    Files.writeString(flagsDir.resolve("more.yaml"), """
        flags:
          color:
            state: ENABLED
            variants: {red: "#f00", blue: "#00f"}
            defaultVariant: red
        """);
    runner.withPropertyValues(
        "progressive.toggles.sources[1].type=file", "progressive.toggles.sources[1].location=" + file,
        "progressive.toggles.sources[1].poll-interval=2s", "progressive.toggles.sources[1].debounce=50ms",
        "progressive.toggles.sources[2].type=directory", "progressive.toggles.sources[2].location=" + flagsDir)
        .run(context -> {
          Toggles toggles = context.getBean(Toggles.class);
          assertThat(toggles.health()).extracting(SourceHealth::source).containsExactly("classpath:flags.json",
              "file:" + file, "directory:" + flagsDir, "store:in-memory");
          assertThat(toggles.isEnabled("extra")).isTrue();
          assertThat(toggles.stringValue("color", null, "none")).as("the later source wins").isEqualTo("#f00");
        });
  }

  @Test
  void readsAnHttpSourceWithItsOptionsAndServesItsBackupWhenTheServerIsDown(@TempDir Path dir) throws Exception {
    Path backup = dir.resolve("flags-backup.json");
    Files.writeString(backup, FLAGS);
    int closedPort;
    try (java.net.ServerSocket socket = new java.net.ServerSocket(0, 1, java.net.InetAddress.getLoopbackAddress())) {
      closedPort = socket.getLocalPort();
    }
    String url = "http://127.0.0.1:" + closedPort + "/v1/flags";
    runner.withPropertyValues(
        "progressive.toggles.sources[1].type=http", "progressive.toggles.sources[1].location=" + url,
        "progressive.toggles.sources[1].poll-interval=1h", "progressive.toggles.sources[1].timeout=500ms",
        "progressive.toggles.sources[1].headers.Authorization=Bearer secret-token",
        "progressive.toggles.sources[1].backup-file=" + backup)
        .run(context -> {
          Toggles toggles = context.getBean(Toggles.class);
          assertThat(toggles.health()).extracting(SourceHealth::source).contains(url);
          assertThat(toggles.isEnabled("extra")).as("served from the backup file").isTrue();
          assertThat(toggles.health().toString()).doesNotContain("secret-token");
        });
  }

  @Test
  void anHttpSourceWithoutAUrlFailsAtStartupNamingTheProperty() {
    runner.withPropertyValues("progressive.toggles.sources[1].type=http",
        "progressive.toggles.sources[1].location=not a url").run(context ->
        assertThat(context).getFailure().hasStackTraceContaining("progressive.toggles.sources[1].location is not a URL"));
  }

  @Test
  void addsFlagSourceBeansAfterTheConfiguredSources() {
    runner.withBean("extraSource", FlagSource.class, () -> InMemorySource.named("extra.json", FLAGS))
        .run(context -> assertThat(context.getBean(Toggles.class).keys()).contains("extra", "new-menu"));
  }

  @Test
  void aSourceWithoutLocationFailsAtStartupNamingTheProperty() {
    runner.withPropertyValues("progressive.toggles.sources[1].type=file").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining("progressive.toggles.sources[1].location is required"));
  }

  @Test
  void anInvalidSourceFailsAtStartupOnlyWhenValidSourcesAreRequired(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("bad.json");
    Files.writeString(file, "{\"flags\": {\"bad\": {\"state\": \"ENABLED\"");
    ApplicationContextRunner bad = runner.withPropertyValues("progressive.toggles.sources[1].type=file",
        "progressive.toggles.sources[1].location=" + file);
    bad.run(context -> assertThat(context.getBean(Toggles.class).isHealthy()).isFalse());
    bad.withPropertyValues("progressive.toggles.require-valid-sources=true")
        .run(context -> assertThat(context).hasFailed());
  }

  @Test
  void aBadFlagCostsOnlyThatFlagUnlessWholeSourceRefusalIsConfigured(@TempDir Path dir) throws Exception {
    Path file = dir.resolve("ops.json");
    Files.writeString(file, """
        {"flags": {
          "ok": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
          "typo": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "onn"}
        }}""");
    ApplicationContextRunner withFile = runner.withPropertyValues("progressive.toggles.sources[1].type=file",
        "progressive.toggles.sources[1].location=" + file);
    withFile.run(context -> {
      Toggles toggles = context.getBean(Toggles.class);
      assertThat(toggles.isEnabled("ok")).isTrue();
      assertThat(toggles.health().get(1).status()).isEqualTo(SourceHealth.Status.STALE);
    });
    withFile.withPropertyValues("progressive.toggles.invalid-flags=refuse-source").run(context -> {
      Toggles toggles = context.getBean(Toggles.class);
      assertThat(toggles.keys()).doesNotContain("ok");
      assertThat(toggles.health().get(1).status()).isEqualTo(SourceHealth.Status.DOWN);
    });
  }

  @Test
  void countsEvaluationsInTheApplicationsMeterRegistry() {
    runner.withBean(MeterRegistry.class, SimpleMeterRegistry::new).run(context -> {
      context.getBean(Toggles.class).isEnabled("new-menu");
      assertThat(context.getBean(MeterRegistry.class).get("progressive.toggle.evaluations")
          .tag("feature_flag.key", "new-menu").functionCounter().count()).isEqualTo(1.0);
      assertThat(context.getBean(ParallelRunner.class).meterRegistry())
          .isSameAs(context.getBean(MeterRegistry.class));
    });
  }

  @Test
  void usesTheApplicationsDataSourceForTheJdbcStore() {
    runner.withConfiguration(AutoConfigurations.of(DataSourceAutoConfiguration.class))
        .withPropertyValues("progressive.toggles.store=jdbc", "progressive.toggles.jdbc.table-prefix=ctx_",
            "spring.datasource.url=jdbc:h2:mem:autoconfig;DB_CLOSE_DELAY=-1")
        .run(context -> {
          assertThat(context).hasNotFailed();
          assertThat(context).getBean(FlagStore.class).isInstanceOf(JdbcFlagStore.class);
          assertThat(context.getBean(Toggles.class).health()).last().extracting(SourceHealth::source)
              .isEqualTo("store:jdbc");
        });
  }

  @Test
  void theJdbcStoreWithoutADataSourceFailsAtStartupSayingWhatToDo() {
    runner.withPropertyValues("progressive.toggles.store=jdbc").run(context ->
        assertThat(context).getFailure().rootCause().hasMessageContaining("progressive.toggles.store=jdbc needs one"
            + " DataSource bean"));
  }

  @Test
  void backsOffForTheUsersBeans() {
    runner.withUserConfiguration(UserBeans.class).run(context -> {
      assertThat(context).getBean(Toggles.class).isSameAs(context.getBean("userToggles"));
      assertThat(context).getBean(FlagStore.class).isSameAs(context.getBean("userStore"));
      assertThat(context).getBean(ParallelRunner.class).isSameAs(context.getBean("userRunner"));
      assertThat(context).getBean(OpenFeatureAPI.class).isSameAs(OpenFeatureAPI.getInstance());
      assertThat(context.getBean(Client.class).getBooleanValue("extra", false)).isTrue();
    });
  }

  @Test
  void switchesTogglesOffByProperty() {
    runner.withPropertyValues("progressive.toggles.enabled=false").run(context -> {
      assertThat(context).doesNotHaveBean(Toggles.class).doesNotHaveBean(Client.class)
          .doesNotHaveBean(FlagStore.class);
      assertThat(context).hasSingleBean(ParallelRunner.class);
    });
  }

  @Test
  void switchesOpenFeatureOffByProperty() {
    runner.withPropertyValues("progressive.toggles.open-feature.enabled=false").run(context ->
        assertThat(context).hasSingleBean(Toggles.class).doesNotHaveBean(ProgressiveProvider.class)
            .doesNotHaveBean(Client.class));
  }

  @Test
  void switchesTogglesOffWithoutTheLibrary() {
    runner.withClassLoader(new FilteredClassLoader(Toggles.class)).run(context ->
        assertThat(context).doesNotHaveBean(Toggles.class).doesNotHaveBean(Client.class)
            .hasSingleBean(ParallelRunner.class));
  }

  @Test
  void switchesOpenFeatureOffWithoutTheSdk() {
    runner.withClassLoader(new FilteredClassLoader(OpenFeatureAPI.class)).run(context ->
        assertThat(context).hasSingleBean(Toggles.class).doesNotHaveBean(ProgressiveProvider.class));
  }

  @Test
  void configuresTheParallelRunnerFromProperties() {
    runner.withPropertyValues("progressive.parallel-run.threads=3").run(context ->
        assertThat(context.getBean(ParallelRunner.class).stats().threads()).isEqualTo(3));
  }

  @Test
  void switchesParallelRunsOffByPropertyAndWithoutTheLibrary() {
    runner.withPropertyValues("progressive.parallel-run.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(ParallelRunner.class).hasSingleBean(Toggles.class));
    runner.withClassLoader(new FilteredClassLoader(ParallelRunner.class)).run(context ->
        assertThat(context).doesNotHaveBean(ParallelRunner.class).hasSingleBean(Toggles.class));
  }

  @Test
  void httpShadowingNeedsAServletApplicationAndACandidate() {
    ApplicationContextRunner shadowing = runner.withPropertyValues(
        "progressive.parallel-run.shadow.candidate=http://127.0.0.1:1",
        "progressive.parallel-run.shadow.routes[0].name=orders",
        "progressive.parallel-run.shadow.routes[0].path=/orders/**");
    shadowing.run(context -> assertThat(context).doesNotHaveBean(HttpShadow.class));
    new WebApplicationContextRunner().withConfiguration(StarterAutoConfigurations.features())
        .withPropertyValues("progressive.toggles.enabled=false").run(context ->
            assertThat(context).doesNotHaveBean(HttpShadow.class).doesNotHaveBean(ShadowFilter.class));
    WebApplicationContextRunner web = new WebApplicationContextRunner()
        .withConfiguration(StarterAutoConfigurations.features())
        .withPropertyValues("progressive.toggles.enabled=false",
            "progressive.parallel-run.shadow.candidate=http://127.0.0.1:1",
            "progressive.parallel-run.shadow.routes[0].name=orders",
            "progressive.parallel-run.shadow.routes[0].path=/orders/**");
    web.run(context -> assertThat(context).hasSingleBean(HttpShadow.class).hasSingleBean(ShadowFilter.class));
    web.withPropertyValues("progressive.parallel-run.enabled=false").run(context ->
        assertThat(context).doesNotHaveBean(HttpShadow.class));
    web.withPropertyValues("progressive.parallel-run.shadow.routes[0].path=orders").run(context ->
        assertThat(context).getFailure().rootCause()
            .hasMessageContaining("progressive.parallel-run.shadow.routes[0] needs a name and a path"));
  }

  @Test
  void everyPropertyHasGeneratedMetadataWithADescription() throws Exception {
    JsonNode metadata;
    try (InputStream in = getClass().getResourceAsStream("/META-INF/spring-configuration-metadata.json")) {
      assertThat(in).as("generated by spring-boot-configuration-processor").isNotNull();
      metadata = new ObjectMapper().readTree(in);
    }
    List<String> names = new ArrayList<>();
    for (JsonNode property : metadata.get("properties")) {
      String name = property.get("name").asText();
      if (name.startsWith("progressive.")) {
        names.add(name);
        assertThat(property.path("description").asText()).as(name).isNotBlank();
        if ("java.lang.Boolean".equals(property.path("type").asText())) {
          assertThat(property.path("description").asText()).as(name).startsWith("Whether");
        }
      }
    }
    assertThat(names).contains("progressive.toggles.sources", "progressive.toggles.store",
        "progressive.toggles.open-feature.domain", "progressive.parallel-run.timeout",
        "progressive.security.write-role", "progressive.security.allow-unsecured-writes");
  }

  @Configuration(proxyBeanMethods = false)
  static class UserBeans {
    @Bean
    FlagStore userStore() {
      return new InMemoryFlagStore();
    }

    @Bean
    Toggles userToggles(FlagStore userStore) {
      return Toggles.builder().source(InMemorySource.named("user.json", FLAGS)).store(userStore).build();
    }

    @Bean
    ParallelRunner userRunner() {
      return ParallelRunner.builder().threads(1).build();
    }

    @Bean(destroyMethod = "")
    OpenFeatureAPI openFeatureApi() {
      return OpenFeatureAPI.getInstance();
    }
  }
}
