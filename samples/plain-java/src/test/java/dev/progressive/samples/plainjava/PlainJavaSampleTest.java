package dev.progressive.samples.plainjava;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/** Runs the sample to completion and checks what it printed, so that the build fails when the sample breaks. */
class PlainJavaSampleTest {

  private static List<String> lines;

  @BeforeAll
  static void runTheSample() throws Exception {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (PrintStream out = new PrintStream(bytes, true, StandardCharsets.UTF_8)) {
      PlainJavaSample.run(out);
    }
    lines = bytes.toString(StandardCharsets.UTF_8).lines().toList();
  }

  @Test
  void theTargetingRuleAndTheFractionalRolloutDecide() {
    assertThat(lines).contains("toggles: new-checkout for a beta tester is true (TARGETING_MATCH)");
    Matcher m = Pattern.compile("toggles: new-checkout is on for (\\d+) of 1000 other users .*")
        .matcher(lines.get(1));
    assertThat(m.matches()).as(lines.get(1)).isTrue();
    assertThat(Integer.parseInt(m.group(1))).as("about 25%").isBetween(200, 300);
  }

  @Test
  void openFeatureReadsTheSameFlags() {
    assertThat(lines).contains("openfeature: button-color for a gold customer is #2e7d32 (variant green, "
        + "TARGETING_MATCH)");
  }

  @Test
  void theCanaryStepsUpToPromotedWithinTheRun() {
    assertThat(lines).anyMatch(l -> l.startsWith("canary: start -> PROGRESSING at 10% (pricing v2 is deployed)"));
    assertThat(lines)
        .anyMatch(l -> l.matches("canary: customer-7 is routed to (BASELINE|CANARY), the same on every call"));
    assertThat(lines).anyMatch(l -> l.startsWith("canary: advance -> PROGRESSING at 50% (PASS: "));
    assertThat(lines).anyMatch(l -> l.startsWith("canary: promote -> PROMOTED at 100% (PASS: "));
    assertThat(lines).contains("canary: pricing ends PROMOTED at 100%");
  }

  @Test
  void theParallelRunAnswersWithLegacyAndPrintsTheMismatch() {
    assertThat(lines).contains("parallel run: 1 item(s) cost 10.00 (legacy's answer)",
        "parallel run: 3 item(s) cost 30.00 (legacy's answer)",
        "parallel run: mismatch with rewrite at total: 30.00 ≠ 20.00",
        "parallel run: mismatch with rewrite at discounts[0]: (absent) ≠ \"3-for-2\"");
    assertThat(lines).filteredOn(l -> l.contains("mismatch")).hasSize(2);
  }
}
