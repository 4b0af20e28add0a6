package dev.progressive.samples.restaurant.tax;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.math.BigDecimal;
import java.util.List;
import org.junit.jupiter.api.Test;

class TaxCalculatorsTest {

  private final TaxCalculator control = new TaxCalculator();
  private final NewTaxCalculator candidate = new NewTaxCalculator();

  @Test
  void roundingLineByLineDiffersByACentOnSomeOrders() {
    TaxRequest order = new TaxRequest("CA", List.of(new BigDecimal("10.45"), new BigDecimal("14.85")));

    // 25.30 x 7.25% = 1.834250 -> 1.83; 0.757625 -> 0.76 and 1.076625 -> 1.08, so 1.84 line by line.
    assertThat(control.tax(order).tax()).isEqualByComparingTo("1.83");
    assertThat(candidate.tax(order).tax()).isEqualByComparingTo("1.84");
    assertThat(candidate.tax(order).taxable()).isEqualTo(control.tax(order).taxable());
  }

  @Test
  void onOtherOrdersTheyAgreeToTheCent() {
    TaxRequest order = new TaxRequest("CA", List.of(new BigDecimal("12.95"), new BigDecimal("10.45")));

    assertThat(candidate.tax(order)).isEqualTo(control.tax(order));
    assertThat(control.tax(order).tax()).isEqualByComparingTo("1.70");
  }

  @Test
  void anUnknownRegionIsNamed() {
    assertThatThrownBy(() -> control.tax(new TaxRequest("ZZ", List.of(BigDecimal.ONE))))
        .isInstanceOf(IllegalArgumentException.class).hasMessageContaining("no tax rate for region 'ZZ'");
  }
}
