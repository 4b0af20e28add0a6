package dev.progressive.toggles.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.openfeature.sdk.ImmutableContext;
import dev.openfeature.sdk.MutableContext;
import dev.progressive.toggles.ErrorCode;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.InvalidTargeting;
import dev.progressive.toggles.Reason;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import dev.progressive.toggles.internal.definition.VariantType;
import dev.progressive.toggles.internal.logic.RootData;
import java.time.Clock;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * A flag whose targeting is only a {@code fractional} on the targeting key is answered from the key alone
 * ({@link CompiledFlag#resolveByTargetingKey}). These tests hold the shortcut to the full resolution, bucket for
 * bucket, and check that it is taken only where it gives the same answers.
 */
class RolloutShortcutTest {

  private static final String DOCUMENT = """
      {"flags": {
        "half": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"fractional": [["on", 50], ["off", 50]]}},
        "uneven": {"state": "ENABLED", "variants": {"a": "A", "b": "B", "c": "C"}, "defaultVariant": "a",
                   "targeting": {"fractional": [["a", 7], ["b", 0], ["c", 93], ["a", 1]]}},
        "shorthand": {"state": "ENABLED", "variants": {"heads": 1, "tails": 2}, "defaultVariant": "heads",
                      "targeting": {"fractional": [["heads"], ["tails"]]}},
        "booleans": {"state": "ENABLED", "variants": {"true": "yes", "false": "no"}, "defaultVariant": "false",
                     "targeting": {"fractional": [[true, 30], [false, 70]]}},
        "unknown": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                    "targeting": {"fractional": [["on", 50], ["nowhere", 50]]}},
        "empty": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "targeting": {"fractional": [["on", 0], ["off", 0]]}},
        "byEmail": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                    "targeting": {"fractional": [{"var": "email"}, ["on", 50], ["off", 50]]}},
        "byCat": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                  "targeting": {"fractional": [{"cat": [{"var": "$flagd.flagKey"}, {"var": "targetingKey"}]},
                                               ["on", 50], ["off", 50]]}},
        "ruleVariant": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                        "targeting": {"fractional": [[{"if": [{"var": "vip"}, "on", "off"]}, 50], ["off", 50]]}},
        "ruleWeight": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                       "targeting": {"fractional": [["on", {"var": "w"}], ["off", 50]]}},
        "nested": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                   "targeting": {"if": [{"var": "beta"}, {"fractional": [["on", 50], ["off", 50]]}, "off"]}},
        "disabled": {"state": "DISABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                     "targeting": {"fractional": [["on", 50], ["off", 50]]}}
      }}""";

  private static final String[] ROLLOUTS = {"half", "uneven", "shorthand", "booleans", "unknown", "empty"};

  private static Map<String, CompiledFlag> compile() {
    return new FlagCompiler(FractionalHashing.v2(), null, InvalidTargeting.REFUSE_SOURCE)
        .compile(FlagSetParser.parse("rollouts.json", DOCUMENT));
  }

  /** A random targeting key: ASCII, accented, CJK, emoji (surrogate pairs), of 0 to 40 characters. */
  private static String randomKey(Random random) {
    int length = random.nextInt(41);
    StringBuilder b = new StringBuilder(length);
    for (int i = 0; i < length; i++) {
      switch (random.nextInt(8)) {
        case 0 -> b.append((char) (0xE0 + random.nextInt(32)));
        case 1 -> b.append((char) (0x4E00 + random.nextInt(2000)));
        case 2 -> b.appendCodePoint(0x1F600 + random.nextInt(64));
        default -> b.append((char) (' ' + random.nextInt(95)));
      }
    }
    return b.toString();
  }

  @Test
  void everyPlainRolloutAnswersFromTheTargetingKeyExactlyAsTheFullResolutionDoes() {
    Map<String, CompiledFlag> flags = compile();
    Random random = new Random(18);
    for (String key : ROLLOUTS) {
      CompiledFlag flag = flags.get(key);
      assertThat(flag.splitsByTargetingKey()).as(key).isTrue();
      for (int i = 0; i < 5_000; i++) {
        String targetingKey = i == 0 ? null : i == 1 ? "" : randomKey(random);
        assertSame(flag.resolveByTargetingKey(targetingKey), flag.resolve(new KeyOnly(key, targetingKey)),
            key + " / " + targetingKey);
      }
    }
  }

  @Test
  void theShortcutSplitsAsTheWeightsSayAndKeepsTheErrorsOfTheFullResolution() {
    Map<String, CompiledFlag> flags = compile();
    Random random = new Random(7);
    int on = 0;
    int c = 0;
    int b = 0;
    for (int i = 0; i < 10_000; i++) {
      String user = "user-" + random.nextInt(1_000_000);
      on += flags.get("half").resolveByTargetingKey(user).variant().equals("on") ? 1 : 0;
      String uneven = flags.get("uneven").resolveByTargetingKey(user).variant();
      c += uneven.equals("c") ? 1 : 0;
      b += uneven.equals("b") ? 1 : 0;
    }
    assertThat(on).isBetween(4_700, 5_300);
    assertThat(c).isBetween(9_100, 9_500);
    assertThat(b).isZero();

    EvaluationOutcome noKey = flags.get("half").resolveByTargetingKey(null);
    assertThat(noKey.reason()).isEqualTo(Reason.DEFAULT);
    assertThat(noKey.variant()).isEqualTo("off");
    assertThat(flags.get("empty").resolveByTargetingKey("user-1").reason()).isEqualTo(Reason.DEFAULT);
    assertThat(flags.get("half").resolveByTargetingKey("user-1").reason()).isEqualTo(Reason.SPLIT);
    assertThat(flags.get("booleans").resolveByTargetingKey("user-1").value()).isIn("yes", "no");

    boolean sawError = false;
    for (int i = 0; i < 100 && !sawError; i++) {
      EvaluationOutcome o = flags.get("unknown").resolveByTargetingKey("user-" + i);
      if (o.errorCode() != null) {
        sawError = true;
        assertThat(o.errorCode()).isEqualTo(ErrorCode.GENERAL);
        assertThat(o.errorMessage()).contains("flag 'unknown'").contains("'nowhere'");
      }
    }
    assertThat(sawError).as("half of the keys choose a variant the flag does not have").isTrue();
  }

  @Test
  void targetingThatReadsMoreThanTheTargetingKeyTakesTheFullResolution() {
    Map<String, CompiledFlag> flags = compile();
    for (String key : new String[] {"byEmail", "byCat", "ruleVariant", "ruleWeight", "nested", "disabled"}) {
      assertThat(flags.get(key).splitsByTargetingKey()).as(key).isFalse();
    }
  }

  @Test
  void theEngineAnswersNativeAndOpenFeatureContextsAlikeThroughTheShortcut() {
    Engine engine = new Engine(Clock.systemUTC(), null);
    engine.swap(new Snapshot(compile(), 1));
    Random random = new Random(3);
    for (int i = 0; i < 2_000; i++) {
      String user = randomKey(random);
      EvaluationOutcome nativeAnswer = engine.evaluate("half", VariantType.BOOLEAN, EvaluationContext.of(user));
      EvaluationOutcome openFeature = engine.evaluate("half", VariantType.BOOLEAN, new ImmutableContext(user));
      if (user.isEmpty()) {
        // an empty OpenFeature targeting key counts as none, as the full resolution reads it
        assertThat(openFeature.reason()).isEqualTo(Reason.DEFAULT);
      } else {
        assertThat(openFeature).as(user).isSameAs(nativeAnswer);
      }
    }
    assertThat(engine.evaluate("half", VariantType.BOOLEAN, EvaluationContext.empty()).reason())
        .isEqualTo(Reason.DEFAULT);
    assertThat(engine.evaluate("half", VariantType.BOOLEAN, (EvaluationContext) null).reason())
        .isEqualTo(Reason.DEFAULT);
    assertThat(engine.evaluate("half", VariantType.BOOLEAN, (dev.openfeature.sdk.EvaluationContext) null).reason())
        .isEqualTo(Reason.DEFAULT);
    assertThat(engine.evaluateAsDefined("uneven", EvaluationContext.of("user-1")))
        .isSameAs(engine.evaluate("uneven", VariantType.STRING, EvaluationContext.of("user-1")));
  }

  @Test
  void anOpenFeatureContextWhoseTargetingKeyThrowsIsAnErrorOutcomeNotAnException() {
    Engine engine = new Engine(Clock.systemUTC(), null);
    engine.swap(new Snapshot(compile(), 1));
    MutableContext hostile = new MutableContext("user-1") {
      @Override
      public String getTargetingKey() {
        throw new IllegalStateException("a context that throws");
      }
    };
    EvaluationOutcome o = engine.evaluate("half", VariantType.BOOLEAN, hostile);
    assertThat(o.errorCode()).isEqualTo(ErrorCode.GENERAL);
    assertThat(o.errorMessage()).contains("flag 'half'").contains("a context that throws");
  }

  private static void assertSame(EvaluationOutcome shortcut, EvaluationOutcome full, String what) {
    assertThat(shortcut.variant()).as(what).isEqualTo(full.variant());
    assertThat(shortcut.reason()).as(what).isEqualTo(full.reason());
    assertThat(shortcut.value()).as(what).isEqualTo(full.value());
    assertThat(shortcut.errorCode()).as(what).isEqualTo(full.errorCode());
    assertThat(shortcut.errorMessage()).as(what).isEqualTo(full.errorMessage());
    if (full.errorCode() == null) {
      assertThat(shortcut).as(what + ": the outcome built in advance").isSameAs(full);
    }
  }

  /** Evaluation data with only a targeting key, as the full resolution reads it. */
  private record KeyOnly(String flagKey, String targetingKey) implements RootData {
    @Override
    public Object attribute(String name) {
      return "targetingKey".equals(name) ? targetingKey : null;
    }

    @Override
    public long timestampSeconds() {
      return 0;
    }
  }
}
