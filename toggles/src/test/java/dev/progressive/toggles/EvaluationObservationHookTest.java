package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.common.KeyValue;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;

class EvaluationObservationHookTest {

  @Test
  void recordsOpenTelemetryAttributesOfEachEvaluationWithoutTheTargetingKey() throws Exception {
    List<Observation.Context> stopped = new CopyOnWriteArrayList<>();
    ObservationRegistry registry = ObservationRegistry.create();
    registry.observationConfig().observationHandler(new ObservationHandler<>() {
      @Override
      public boolean supportsContext(Observation.Context context) {
        return true;
      }

      @Override
      public void onStop(Observation.Context context) {
        stopped.add(context);
      }
    });
    OpenFeatureAPI api = OpenFeatureAPI.getInstance();
    api.setProviderAndWait("observation-hook-test",
        new ProgressiveProvider(Toggles.builder().source(InMemorySource.of(TogglesTest.FLAGS)).build()));
    Client client = api.getClient("observation-hook-test");
    client.addHooks(new EvaluationObservationHook(registry));

    client.getBooleanValue("beta", false, new MutableContext("user-secret-42").add("email", "a@beta.example"));
    client.getStringValue("nope", "x");

    assertThat(stopped).hasSize(2);
    Map<String, String> first = attributes(stopped.get(0));
    assertThat(stopped.get(0).getName()).isEqualTo("feature_flag.evaluation");
    assertThat(first).containsEntry("feature_flag.key", "beta")
        .containsEntry("feature_flag.provider.name", "progressive")
        .containsEntry("feature_flag.result.variant", "on")
        .containsEntry("feature_flag.result.reason", "targeting_match")
        .doesNotContainKey("error.type");
    assertThat(first.values()).doesNotContain("user-secret-42");
    Map<String, String> second = attributes(stopped.get(1));
    assertThat(second).containsEntry("feature_flag.key", "nope").containsEntry("error.type", "flag_not_found")
        .containsEntry("feature_flag.result.reason", "error");
  }

  private static Map<String, String> attributes(Observation.Context c) {
    return c.getAllKeyValues().stream().collect(Collectors.toMap(KeyValue::getKey, KeyValue::getValue));
  }
}
