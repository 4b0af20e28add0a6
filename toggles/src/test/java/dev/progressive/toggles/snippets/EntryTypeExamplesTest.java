package dev.progressive.toggles.snippets;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.testing.JavadocExamples;
import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.EvaluationObservationHook;
import dev.progressive.toggles.FlagAdmin;
import dev.progressive.toggles.InvalidFlags;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.FileSource;
import dev.progressive.toggles.source.HttpSource;
import dev.progressive.toggles.source.InMemorySource;
import dev.progressive.toggles.store.ChangeRequest;
import dev.progressive.toggles.store.ChangeRequestRules;
import dev.progressive.toggles.store.FlagView;
import dev.progressive.toggles.store.JdbcFlagStore;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import io.micrometer.observation.ObservationRegistry;
import java.net.URI;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.Set;
import javax.sql.DataSource;
import org.junit.jupiter.api.Test;

/**
 * The code examples of the toggles module's javadoc, compiled here and run where that is cheap. Each region must
 * equal the javadoc example of the same name ({@link JavadocExamples}), so neither can drift, and an example added
 * without a region fails {@link #everyJavadocExampleIsARegionOfThisFile()}. Examples that read {@code flags.json}
 * from the working directory, reach a server or a database, or set OpenFeature's global API are compiled, not run;
 * the tests of each type run the same calls.
 */
class EntryTypeExamplesTest {

  private static final Path HERE = Path.of("src/test/java/dev/progressive/toggles/snippets/"
      + "EntryTypeExamplesTest.java");

  @Test
  void everyJavadocExampleIsARegionOfThisFile() throws Exception {
    assertThat(JavadocExamples.checkAll(Path.of("src/main/java"), HERE, Set.of())).containsExactlyInAnyOrderEntriesOf(
        Map.ofEntries(Map.entry("Toggles", 1), Map.entry("ProgressiveProvider", 2),
            Map.entry("EvaluationContext", 1), Map.entry("InMemorySource", 1), Map.entry("FileSource", 1),
            Map.entry("HttpSource", 1), Map.entry("EvaluationObservationHook", 1), Map.entry("FlagAdmin", 1),
            Map.entry("JdbcFlagStore", 1), Map.entry("ChangeRequestRules", 1), Map.entry("VariantRecording", 1)));
  }

  boolean toggles(MeterRegistry registry, String userId) {
    boolean shown = false;
    // @start region="Toggles"
    Toggles toggles = Toggles.builder()
        .source(FileSource.of(Path.of("flags.json")))
        .meterRegistry(registry)
        .build();
    if (toggles.isEnabled("new-menu-search", EvaluationContext.of(userId))) { shown = true; }
    // @end
    return shown;
  }

  Client provider() {
    // @start region="ProgressiveProvider"
    ProgressiveProvider provider = ProgressiveProvider.of(FileSource.of(Path.of("flags.json")));
    OpenFeatureAPI.getInstance().setProviderAndWait(provider);
    Client client = OpenFeatureAPI.getInstance().getClient();
    // @end
    return client;
  }

  ProgressiveProvider providerOfOptions(MeterRegistry registry) {
    // @start region="ProgressiveProvider-2"
    ProgressiveProvider provider = ProgressiveProvider.of(Toggles.builder()
        .source(FileSource.of(Path.of("flags.json")))
        .meterRegistry(registry)
        .invalidFlags(InvalidFlags.REFUSE_SOURCE));
    // @end
    return provider;
  }

  @Test
  void anInMemorySourceAndAContextEvaluate() {
    // @start region="InMemorySource"
    InMemorySource flags = InMemorySource.of("""
        {"flags": {"new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"}}}
        """);
    // @end
    // @start region="EvaluationContext"
    EvaluationContext ctx = EvaluationContext.builder()
        .targetingKey("user-42")
        .attribute("email", "ada@example.com")
        .attribute("tier", "gold")
        .build();
    // @end
    Toggles toggles = Toggles.builder().source(flags).meterRegistry(new SimpleMeterRegistry()).build();
    assertThat(toggles.isEnabled("new-menu", ctx)).isTrue();
  }

  @Test
  void anAdminWithStricterRulesIsBuilt() {
    Toggles toggles = Toggles.builder().source(InMemorySource.of("{\"flags\": {}}")).build();
    // @start region="ChangeRequestRules"
    FlagAdmin admin = toggles.admin().withRules(ChangeRequestRules.ofDefaults().withMaxTextLength(500));
    // @end
    assertThat(admin.flags()).isEmpty();
  }

  FlagView adminChange(Toggles toggles) {
    // @start region="FlagAdmin"
    FlagView flag = toggles.admin().flag("new-menu-search").orElseThrow();
    toggles.admin().setState("new-menu-search", true,
        ChangeRequest.of("alice", "beta users are happy", flag.version()));
    // @end
    return flag;
  }

  FileSource fileSource() {
    // @start region="FileSource"
    FileSource flags = FileSource.builder(Path.of("/etc/flags/flags.json")).pollInterval(Duration.ofSeconds(5)).build();
    // @end
    return flags;
  }

  HttpSource httpSource(String token) {
    // @start region="HttpSource"
    HttpSource flags = HttpSource.builder(URI.create("https://flags.example.com/v1/flags"))
        .pollInterval(Duration.ofSeconds(10))
        .header("Authorization", "Bearer " + token)
        .backupFile(Path.of("/var/cache/app/flags-backup.json"))
        .build();
    // @end
    return flags;
  }

  void observationHook(ObservationRegistry observationRegistry) {
    // @start region="EvaluationObservationHook"
    OpenFeatureAPI.getInstance().addHooks(new EvaluationObservationHook(observationRegistry));
    // @end
  }

  Toggles jdbcStore(DataSource dataSource) {
    // @start region="JdbcFlagStore"
    JdbcFlagStore store = JdbcFlagStore.builder(dataSource).build();
    Toggles toggles = Toggles.builder().source(InMemorySource.of("{\"flags\": {}}")).store(store).build();
    // @end
    return toggles;
  }

  String variantRecording(Toggles toggles, EvaluationContext context, boolean ok, long elapsedNanos) {
    // @start region="VariantRecording"
    Evaluation<String> ui = toggles.stringDetails("checkout-ui", context, "old");
    String page = toggles.variantRecording().call("checkout-ui", ui.variant(), () -> render(ui.value()));
    // or, timed by the caller:
    toggles.variantRecording().record("checkout-ui", ui.variant(), ok, elapsedNanos);
    // @end
    return page;
  }

  private static String render(String variant) {
    return "checkout " + variant;
  }
}
