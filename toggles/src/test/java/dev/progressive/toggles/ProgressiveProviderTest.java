package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.EventDetails;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.ProviderEvaluation;
import dev.openfeature.sdk.ProviderEvent;
import dev.openfeature.sdk.Value;
import dev.openfeature.sdk.exceptions.FlagNotFoundError;
import dev.openfeature.sdk.exceptions.GeneralError;
import dev.openfeature.sdk.exceptions.TypeMismatchError;
import dev.progressive.toggles.source.FlagSource;
import dev.progressive.toggles.source.InMemorySource;
import java.io.IOException;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

/** The provider against the OpenFeature specification; each test names the clause it proves. */
class ProgressiveProviderTest {

  private static final ImmutableContext NONE = new ImmutableContext();

  private static ProgressiveProvider provider(InMemorySource source) {
    return new ProgressiveProvider(Toggles.builder().source(source).build());
  }

  @Test
  void spec_2_1_1_metadataNameIsProgressive() {
    assertThat(provider(InMemorySource.of(TogglesTest.FLAGS)).getMetadata().getName()).isEqualTo("progressive");
  }

  @Test
  void spec_2_2_1_everyTypedResolverIncludingLong() {
    ProgressiveProvider p = provider(InMemorySource.of(TogglesTest.FLAGS));
    assertThat(p.getBooleanEvaluation("new-menu", false, NONE).getValue()).isTrue();
    assertThat(p.getStringEvaluation("color", "x", NONE).getValue()).isEqualTo("#00f");
    assertThat(p.getIntegerEvaluation("limit", 0, NONE).getValue()).isEqualTo(1000);
    assertThat(p.getLongEvaluation("limit", 0L, NONE).getValue()).isEqualTo(1000L);
    assertThat(p.getDoubleEvaluation("ratio", 0.0, NONE).getValue()).isEqualTo(0.5);
    assertThat(p.getDoubleEvaluation("limit", 0.0, NONE).getValue()).isEqualTo(1000.0);
    Value layout = p.getObjectEvaluation("layout", new Value(), NONE).getValue();
    assertThat(layout.asStructure().getValue("cols").asInteger()).isEqualTo(3);
  }

  @Test
  void spec_2_2_3_and_2_2_4_variantAndReasonAreReturned() {
    ProgressiveProvider p = provider(InMemorySource.of(TogglesTest.FLAGS));
    ProviderEvaluation<Boolean> stat = p.getBooleanEvaluation("new-menu", false, NONE);
    assertThat(stat.getVariant()).isEqualTo("on");
    assertThat(stat.getReason()).isEqualTo("STATIC");

    ProviderEvaluation<Boolean> match = p.getBooleanEvaluation("beta", false,
        new MutableContext().add("email", "ada@beta.example"));
    assertThat(match.getVariant()).isEqualTo("on");
    assertThat(match.getReason()).isEqualTo("TARGETING_MATCH");

    ProviderEvaluation<Boolean> split = p.getBooleanEvaluation("rollout", false, new MutableContext("user-1"));
    assertThat(split.getReason()).isEqualTo("SPLIT");

    ProviderEvaluation<Boolean> def = p.getBooleanEvaluation("beta", true, new MutableContext().add("email", "x"));
    assertThat(def.getReason()).isEqualTo("DEFAULT");
    assertThat(def.getValue()).isFalse();

    ProviderEvaluation<Boolean> disabled = p.getBooleanEvaluation("dark", true, NONE);
    assertThat(disabled.getReason()).isEqualTo("DISABLED");
    assertThat(disabled.getValue()).isTrue();
    assertThat(disabled.getVariant()).isNull();
  }

  @Test
  void spec_2_2_7_errorsAreTypedAndNameTheFlag() {
    ProgressiveProvider p = provider(InMemorySource.of(TogglesTest.FLAGS));
    assertThatThrownBy(() -> p.getBooleanEvaluation("nope", false, NONE))
        .isInstanceOf(FlagNotFoundError.class).hasMessageContaining("'nope'");
    assertThatThrownBy(() -> p.getIntegerEvaluation("color", 1, NONE))
        .isInstanceOf(TypeMismatchError.class).hasMessageContaining("'color'");
    assertThatThrownBy(() -> p.getStringEvaluation("ghost", "x", NONE))
        .isInstanceOf(GeneralError.class).hasMessageContaining("'ghost'");
  }

  @Test
  void spec_2_2_9_flagMetadataIsReturned() {
    ProgressiveProvider p = provider(InMemorySource.of(TogglesTest.FLAGS));
    ProviderEvaluation<Boolean> e = p.getBooleanEvaluation("new-menu", false, NONE);
    assertThat(e.getFlagMetadata().getString("owner")).isEqualTo("ada");
    assertThat(e.getFlagMetadata().getString("team")).isEqualTo("menus");
  }

  @Test
  void throughTheClientErrorsBecomeCodesAndTheDefault() throws Exception {
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait("provider-test-client", provider(InMemorySource.of(TogglesTest.FLAGS)));
    Client client = api.getClient("provider-test-client");
    FlagEvaluationDetails<String> missing = client.getStringDetails("nope", "fallback");
    assertThat(missing.getValue()).isEqualTo("fallback");
    assertThat(missing.getErrorCode()).isEqualTo(dev.openfeature.sdk.ErrorCode.FLAG_NOT_FOUND);
    assertThat(missing.getReason()).isEqualTo("ERROR");
    FlagEvaluationDetails<Integer> mismatch = client.getIntegerDetails("color", 5);
    assertThat(mismatch.getValue()).isEqualTo(5);
    assertThat(mismatch.getErrorCode()).isEqualTo(dev.openfeature.sdk.ErrorCode.TYPE_MISMATCH);
    assertThat(client.getBooleanValue("beta", false, new MutableContext().add("email", "a@beta.example"))).isTrue();
  }

  @Test
  void spec_5_3_configurationChangedCarriesTheChangedKeys() throws Exception {
    InMemorySource source = InMemorySource.of(TogglesTest.FLAGS);
    ProgressiveProvider p = provider(source);
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait("provider-test-events", p);
    BlockingQueue<EventDetails> events = new LinkedBlockingQueue<>();
    api.getClient("provider-test-events").on(ProviderEvent.PROVIDER_CONFIGURATION_CHANGED, events::add);

    source.update(TogglesTest.FLAGS.replace("\"defaultVariant\": \"blue\"", "\"defaultVariant\": \"red\""));

    EventDetails e = events.poll(60, TimeUnit.SECONDS);
    assertThat(e).isNotNull();
    assertThat(e.getFlagsChanged()).containsExactly("color");
    assertThat(api.getClient("provider-test-events").getStringValue("color", "x")).isEqualTo("#f00");
  }

  @Test
  void spec_5_3_staleWhileASourceIsDownThenReady() throws Exception {
    InMemorySource source = InMemorySource.of(TogglesTest.FLAGS);
    ProgressiveProvider p = provider(source);
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait("provider-test-stale", p);
    BlockingQueue<ProviderEvent> events = new LinkedBlockingQueue<>();
    Client client = api.getClient("provider-test-stale");
    client.on(ProviderEvent.PROVIDER_STALE, d -> events.add(ProviderEvent.PROVIDER_STALE));
    client.on(ProviderEvent.PROVIDER_READY, d -> events.add(ProviderEvent.PROVIDER_READY));
    // A READY handler added to a ready provider runs at once, on the SDK's event thread: wait for it, however slow.
    assertThat(events.poll(60, TimeUnit.SECONDS)).isEqualTo(ProviderEvent.PROVIDER_READY);
    events.clear();

    source.update("{\"flags\": {\"broken\": ");
    assertThat(events.poll(60, TimeUnit.SECONDS)).isEqualTo(ProviderEvent.PROVIDER_STALE);
    FlagEvaluationDetails<Boolean> stale = client.getBooleanDetails("new-menu", false);
    assertThat(stale.getValue()).as("last good value").isTrue();
    assertThat(stale.getReason()).isEqualTo("STALE");

    source.update(TogglesTest.FLAGS);
    assertThat(events.poll(60, TimeUnit.SECONDS)).isEqualTo(ProviderEvent.PROVIDER_READY);
    assertThat(client.getBooleanDetails("new-menu", false).getReason()).isEqualTo("STATIC");
  }

  @Test
  void spec_2_4_initializeFailsWhenNoSourceCanBeRead() {
    FlagSource broken = new FlagSource() {
      @Override
      public String name() {
        return "broken";
      }

      @Override
      public List<dev.progressive.toggles.source.FlagDocument> load() throws IOException {
        throw new IOException("unreachable");
      }
    };
    ProgressiveProvider p = ProgressiveProvider.of(broken);
    assertThatThrownBy(() -> p.initialize(NONE)).isInstanceOf(GeneralError.class).hasMessageContaining("unreachable");
    p.shutdown();
  }

  @Test
  void spec_2_5_shutdownIsIdempotentAndClosesOnlyWhatItOwns() throws Exception {
    AtomicInteger closes = new AtomicInteger();
    FlagSource counted = new FlagSource() {
      @Override
      public String name() {
        return "counted";
      }

      @Override
      public List<dev.progressive.toggles.source.FlagDocument> load() {
        return List.of(new dev.progressive.toggles.source.FlagDocument("counted", TogglesTest.FLAGS));
      }

      @Override
      public void close() {
        closes.incrementAndGet();
      }
    };
    ProgressiveProvider owning = ProgressiveProvider.of(counted);
    owning.initialize(NONE);
    owning.shutdown();
    owning.shutdown();
    assertThat(closes).hasValue(1);

    Toggles shared = Toggles.builder().source(InMemorySource.of(TogglesTest.FLAGS)).build();
    ProgressiveProvider borrowing = new ProgressiveProvider(shared);
    borrowing.initialize(NONE);
    borrowing.shutdown();
    assertThat(shared.isEnabled("new-menu")).as("a borrowed Toggles stays usable").isTrue();
    shared.close();
  }

  @Test
  void nativeAndOpenFeatureAnswersAgree() {
    Toggles t = Toggles.builder().source(InMemorySource.of(TogglesTest.FLAGS)).build();
    ProgressiveProvider p = new ProgressiveProvider(t);
    for (int i = 0; i < 200; i++) {
      String user = "user-" + i;
      assertThat(p.getBooleanEvaluation("rollout", false, new MutableContext(user)).getValue())
          .isEqualTo(t.isEnabled("rollout", EvaluationContext.of(user)));
    }
    MutableContext nested = new MutableContext();
    nested.add("account", new dev.openfeature.sdk.MutableStructure().add("tier", "gold"));
    assertThat(p.getStringEvaluation("tier", "?", nested).getValue())
        .isEqualTo(t.stringValue("tier", EvaluationContext.builder().attribute("account", Map.of("tier", "gold"))
            .build(), "?"))
        .isEqualTo("G");
    t.close();
  }

  /** The README's one-liner loads flagd's own testkit flag file unchanged, with default settings. */
  @Test
  void theReadmeOneLinerLoadsFlagdsTestkitFileUnchanged() {
    java.nio.file.Path testkit = java.nio.file.Path.of(
        "src/test/resources/conformance/flagd-evaluator/flags/testkit-flags.json");
    assertThat(testkit).exists();
    ProgressiveProvider provider = ProgressiveProvider.of(dev.progressive.toggles.source.FileSource.of(testkit));
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    try {
      api.setProviderAndWait("provider-test-testkit", provider);
      Client client = api.getClient("provider-test-testkit");
      FlagEvaluationDetails<Boolean> flag = client.getBooleanDetails("boolean-flag", false);
      assertThat(flag.getValue()).isTrue();
      assertThat(flag.getReason()).isEqualTo("STATIC");
      FlagEvaluationDetails<String> broken = client.getStringDetails("ref-to-nonexistent-evaluator-flag", "fallback");
      assertThat(broken.getValue()).isEqualTo("fallback");
      assertThat(broken.getErrorCode()).isEqualTo(dev.openfeature.sdk.ErrorCode.PARSE_ERROR);
      assertThat(provider.toggles().keys()).hasSizeGreaterThan(50);
    } finally {
      provider.shutdown();
    }
  }

  /** Toggles options reach the provider's own Toggles, which it closes with its sources at shutdown (2.5). */
  @Test
  void spec_2_5_aProviderBuiltFromTogglesOptionsUsesThemAndClosesWhatItCreated() {
    AtomicInteger closed = new AtomicInteger();
    FlagSource source = new FlagSource() {
      @Override
      public String name() {
        return "counted";
      }

      @Override
      public List<dev.progressive.toggles.source.FlagDocument> load() {
        return List.of(new dev.progressive.toggles.source.FlagDocument("counted", PerFlagCompilationTest.TWO_BAD));
      }

      @Override
      public void close() {
        closed.incrementAndGet();
      }
    };
    io.micrometer.core.instrument.simple.SimpleMeterRegistry registry =
        new io.micrometer.core.instrument.simple.SimpleMeterRegistry();
    java.time.Clock clock = java.time.Clock.fixed(java.time.Instant.parse("2030-01-01T00:00:00Z"),
        java.time.ZoneOffset.UTC);
    ProgressiveProvider p = ProgressiveProvider.of(Toggles.builder().source(source).meterRegistry(registry)
        .clock(clock).invalidFlags(InvalidFlags.REFUSE_SOURCE));
    assertThat(p.toggles().keys()).as("the policy applies: refused whole").isEmpty();
    assertThat(p.toggles().health().get(0).staleSince()).as("the clock applies")
        .isEqualTo(java.time.Instant.parse("2030-01-01T00:00:00Z"));
    assertThatThrownBy(() -> p.getBooleanEvaluation("beta", false, new ImmutableContext()))
        .isInstanceOf(FlagNotFoundError.class);
    assertThat(registry.find("progressive.toggle.evaluations").functionCounters()).as("the registry applies").isNotEmpty();
    p.shutdown();
    p.shutdown();
    assertThat(closed).as("closed once, with its Toggles").hasValue(1);
  }
}
