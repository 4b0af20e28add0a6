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
}
