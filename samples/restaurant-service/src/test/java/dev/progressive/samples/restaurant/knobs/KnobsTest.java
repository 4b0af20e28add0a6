package dev.progressive.samples.restaurant.knobs;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.samples.restaurant.RestaurantProperties;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class KnobsTest {

  @Test
  void errorsAreSpreadEvenlyAtTheRate() {
    Knobs knobs = new Knobs(new RestaurantProperties());
    knobs.set(Knobs.PRICING_ENGINE_V2, 0.25, Duration.ZERO);

    int failed = 0;
    for (int call = 1; call <= 100; call++) {
      try {
        knobs.apply(Knobs.PRICING_ENGINE_V2);
        assertThat(call % 4).as("call " + call).isNotZero();
      } catch (Knobs.InjectedFault e) {
        assertThat(call % 4).as("call " + call).isZero();
        failed++;
      }
    }
    assertThat(failed).isEqualTo(25);
  }

  @Test
  void atZeroNothingFails() {
    Knobs knobs = new Knobs(new RestaurantProperties());
    for (int call = 0; call < 1000; call++) {
      knobs.apply(Knobs.PRICING_SERVICE_V2);
    }
    assertThat(knobs.get(Knobs.PRICING_SERVICE_V2)).isEqualTo(new Knobs.Setting(0, Duration.ZERO));
  }

  @Test
  void badSettingsAreRefusedAndTheLastGoodOneStays() {
    Knobs knobs = new Knobs(new RestaurantProperties());
    knobs.set(Knobs.PRICING_ENGINE_V2, 0.1, Duration.ofMillis(5));

    assertThatThrownBy(() -> knobs.set(Knobs.PRICING_ENGINE_V2, -0.1, Duration.ZERO))
        .hasMessage("errorRate must be from 0 to 1, was -0.1");
    assertThatThrownBy(() -> knobs.set(Knobs.PRICING_ENGINE_V2, 0.1, Duration.ofMillis(-1)))
        .hasMessage("latency must be zero or positive, was PT-0.001S");
    assertThatThrownBy(() -> knobs.set("pricing-v3", 0.1, Duration.ZERO)).hasMessageContaining("no knob 'pricing-v3'");
    assertThat(knobs.get(Knobs.PRICING_ENGINE_V2)).isEqualTo(new Knobs.Setting(0.1, Duration.ofMillis(5)));
  }

  @Test
  void aBadPropertyNamesItself() {
    RestaurantProperties properties = new RestaurantProperties();
    RestaurantProperties.Knob knob = new RestaurantProperties.Knob();
    knob.setErrorRate(2);
    properties.getKnobs().put(Knobs.PRICING_SERVICE_V2, knob);

    assertThatThrownBy(() -> new Knobs(properties))
        .hasMessage("restaurant.knobs.pricing-service-v2: errorRate must be from 0 to 1, was 2.0");
  }

  @Test
  void anAbsurdLatencyIsRefusedAndTheKnobKeepsItsSetting() {
    Knobs knobs = new Knobs(new RestaurantProperties());
    knobs.set(Knobs.PRICING_ENGINE_V2, 0.1, Duration.ofMillis(5));
    assertThatThrownBy(() -> knobs.set(Knobs.PRICING_ENGINE_V2, 0.1, Duration.ofMillis(999_999_999_999L)))
        .hasMessage("latency must be at most 30000 ms, was 999999999999 ms");
    assertThat(knobs.set(Knobs.PRICING_ENGINE_V2, 0.1, Knobs.MAX_LATENCY).latency()).isEqualTo(Knobs.MAX_LATENCY);
  }

  @Test
  void theEndpointAnswers400NamingTheFieldForAbsurdValuesWrongTypesAndUnknownFields() {
    Knobs knobs = new Knobs(new RestaurantProperties());
    KnobsController controller = new KnobsController(knobs);
    Knobs.Setting before = knobs.set(Knobs.PRICING_SERVICE_V2, 0.2, Duration.ofMillis(10));

    java.util.List<java.util.Map<String, Object>> bodies = java.util.List.of(
        java.util.Map.of("latencyMillis", 999_999_999_999L),
        java.util.Map.of("latencyMillis", 1e300),
        java.util.Map.of("latencyMillis", -1),
        java.util.Map.of("errorRate", 1.5),
        java.util.Map.of("errorRate", "lots"),
        java.util.Map.of("latencyMs", 5));
    java.util.List<String> fields = java.util.List.of("latencyMillis", "latencyMillis", "latencyMillis", "errorRate",
        "errorRate", "latencyMs");
    for (int i = 0; i < bodies.size(); i++) {
      org.springframework.http.ResponseEntity<java.util.Map<String, Object>> answer =
          controller.set(Knobs.PRICING_SERVICE_V2, bodies.get(i));
      assertThat(answer.getStatusCode().value()).as(bodies.get(i).toString()).isEqualTo(400);
      assertThat(answer.getBody().get("error").toString()).as(bodies.get(i).toString()).contains(fields.get(i));
    }
    assertThat(knobs.get(Knobs.PRICING_SERVICE_V2)).isEqualTo(before);

    assertThat(controller.set(Knobs.PRICING_SERVICE_V2, java.util.Map.of("latencyMillis", 250)).getBody())
        .containsEntry("latencyMillis", 250L).containsEntry("errorRate", 0.2);
  }
}
