package dev.progressive.toggles.hostile;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.InvalidFlags;
import dev.progressive.toggles.Reason;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.InMemorySource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.Test;

/**
 * A seeded fuzzer of flag documents and evaluation contexts built like the hostile cases of issue 15: long and
 * branching {@code $ref} chains and cycles, deep nesting, iterations and string or list producers that multiply,
 * contexts with deep, self-containing, huge or throwing values, and null keys. It asserts that no Throwable escapes
 * an update or an evaluation, that a refused document leaves the last good flags in force, and that every evaluation
 * answers: a variant of the flag, or the caller's default. It runs under both policies: with
 * {@link InvalidFlags#REFUSE_SOURCE} a refused document leaves every last good flag in force; with the default
 * {@link InvalidFlags#REFUSE_FLAG} each hostile flag is refused on its own and the others apply.
 *
 * <p>The build runs a small number of cases with a fixed seed. A long run, from docs/testing.md:
 * {@code ./mvnw -B -pl toggles -am verify -Dtest=HostileInputFuzzTest -Dsurefire.failIfNoSpecifiedTests=false
 * -Dprogressive.fuzz.documents=20000 -Dprogressive.fuzz.seed=$RANDOM}. A failure names the seed and the case.
 */
class HostileInputFuzzTest {

  private static final long SEED = Long.getLong("progressive.fuzz.seed", 20261205L);
  private static final int DOCUMENTS = Integer.getInteger("progressive.fuzz.documents", 100);
  private static final int CONTEXTS = Integer.getInteger("progressive.fuzz.contexts", 6);

  private static final String[] OPERATORS = {"var", "if", "==", "!=", "===", "<", ">=", "!", "!!", "or", "and", "+",
      "*", "-", "/", "%", "max", "min", "map", "filter", "reduce", "all", "some", "none", "merge", "in", "cat",
      "substr", "missing", "missing_some", "fractional", "sem_ver", "starts_with", "ends_with", "$ref"};
  private static final String[] VARIANTS = {"a", "b", "c"};

  private final Random random = new Random(SEED);
  private int evaluatorCount;

  @Test
  void noHostileJsonDocumentOrContextEscapesOrCostsTheLastGoodFlags() {
    fuzz("fuzz.json", InvalidFlags.REFUSE_SOURCE);
  }

  /** The same documents read as YAML (a superset of JSON), through SnakeYAML. */
  @Test
  void noHostileYamlDocumentOrContextEscapesOrCostsTheLastGoodFlags() {
    fuzz("fuzz.yaml", InvalidFlags.REFUSE_SOURCE);
  }

  /** The default policy: each hostile flag is refused on its own; nothing escapes and every evaluation answers. */
  @Test
  void noHostileDocumentOrContextEscapesWhenEachFlagIsCompiledOnItsOwn() {
    fuzz("fuzz.json", InvalidFlags.REFUSE_FLAG);
  }

  private void fuzz(String name, InvalidFlags policy) {
    boolean whole = policy == InvalidFlags.REFUSE_SOURCE;
    InMemorySource source = InMemorySource.named(name, HostileDocs.good(true));
    try (Toggles t = Toggles.builder().source(source).meterRegistry(new SimpleMeterRegistry())
        .invalidFlags(policy).requireValidSources(true).build()) {
      Set<String> goodKeys = t.keys();
      int accepted = 0;
      for (int doc = 0; doc < DOCUMENTS; doc++) {
        String document = document();
        String replay = name + ", seed " + SEED + ", document " + doc + ": " + abbreviate(document);
        long generation = t.generation();
        try {
          source.update(document);
        } catch (Throwable e) {
          throw new AssertionError("update threw, " + replay, e);
        }
        if (t.isHealthy()) {
          accepted++;
          goodKeys = t.keys();
        } else if (whole) {
          assertThat(t.generation()).as("a refused document swapped flags, " + replay).isEqualTo(generation);
          assertThat(t.keys()).as("a refused document changed the flags, " + replay).isEqualTo(goodKeys);
          assertThat(t.health().get(0).error()).as(replay).isNotBlank();
        } else {
          assertThat(t.health().get(0).error()).as("the refused flags are named, " + replay).isNotBlank();
        }
        for (int c = 0; c < CONTEXTS; c++) {
          EvaluationContext context = context();
          for (String key : t.keys()) {
            evaluate(t, key, context, replay + ", context " + c);
          }
          evaluate(t, null, context, replay + ", null key");
          evaluate(t, "missing-" + c, context, replay + ", missing key");
        }
      }
      // the generator must produce both kinds, or it tests nothing
      assertThat(accepted).as("accepted documents").isGreaterThan(DOCUMENTS / 10);
      assertThat(accepted).as("accepted documents").isLessThan(DOCUMENTS);
    }
  }

  private static void evaluate(Toggles t, String key, EvaluationContext context, String replay) {
    try {
      Evaluation<Object> any = t.evaluate(key, context);
      assertThat(any.reason()).as(replay).isNotNull();
      if (any.reason() == Reason.ERROR) {
        assertThat(any.errorCode()).as(replay).isNotNull();
        assertThat(any.errorMessage().length()).as(replay).isLessThan(2_000);
      }
      Evaluation<String> s = t.stringDetails(key, context, "default");
      assertThat(s.value()).as(replay).isNotNull();
      assertThat(s.value().equals("default") || s.variant() != null).as(replay).isTrue();
      t.booleanDetails(key, context, false);
      t.doubleDetails(key, context, 0.5);
      t.integerDetails(key, context, 1);
      t.objectDetails(key, context, "o");
      t.isEnabled(key, context);
    } catch (Throwable e) {
      throw new AssertionError("an evaluation threw, " + replay, e);
    }
  }

  private static String abbreviate(String s) {
    return s.length() <= 2_000 ? s : s.substring(0, 2_000) + "... (" + s.length() + " characters)";
  }

  // ---------------------------------------------------------------- documents

  private String document() {
    evaluatorCount = 1 + random.nextInt(random.nextInt(10) == 0 ? 1_500 : 8);
    StringBuilder sb = new StringBuilder("{\"$evaluators\": {");
    int chainStart = random.nextInt(4) == 0 ? random.nextInt(evaluatorCount) : -1;
    for (int i = 0; i < evaluatorCount; i++) {
      sb.append(i == 0 ? "" : ",").append("\"e").append(i).append("\": ");
      if (chainStart >= 0 && i >= chainStart) {
        // a chain (or, with a wrap-around, a cycle) of refs, possibly doubling at each step
        int next = i + 1 < evaluatorCount ? i + 1 : random.nextBoolean() ? chainStart : -1;
        if (next < 0) {
          sb.append(rule(2, false));
        } else if (random.nextBoolean()) {
          sb.append("{\"or\": [{\"$ref\": \"e").append(next).append("\"}, {\"$ref\": \"e").append(next)
              .append("\"}]}");
        } else {
          sb.append("{\"$ref\": \"e").append(next).append("\"}");
        }
      } else {
        sb.append(rule(1 + random.nextInt(5), false));
      }
    }
    sb.append("}, \"flags\": {");
    int flags = 1 + random.nextInt(4);
    for (int f = 0; f < flags; f++) {
      sb.append(f == 0 ? "" : ",").append("\"f").append(f).append("\": {\"state\": \"")
          .append(random.nextInt(8) == 0 ? "DISABLED" : "ENABLED").append("\", \"variants\": ")
          .append(variants()).append(", \"defaultVariant\": \"a\"");
      if (random.nextInt(6) != 0) {
        String rule = rule(1 + random.nextInt(6), true);
        // mostly an object, as targeting must be; now and then a scalar, which is refused
        sb.append(", \"targeting\": ").append(rule.startsWith("{") || random.nextInt(10) == 0 ? rule
            : "{\"if\": [true, " + rule + ", null]}");
      }
      sb.append('}');
    }
    sb.append("}}");
    String document = sb.toString();
    if (random.nextInt(25) == 0) {
      // a mutilated document: cut, or a character replaced
      int at = random.nextInt(document.length());
      document = random.nextBoolean() ? document.substring(0, at) : document.substring(0, at) + "\u0000}"
          + document.substring(at);
    }
    return document;
  }

  private String variants() {
    switch (random.nextInt(4)) {
      case 0:
        return "{\"a\": true, \"b\": false, \"c\": true}";
      case 1:
        return "{\"a\": 1, \"b\": 2.5, \"c\": -3}";
      case 2:
        return "{\"a\": {\"x\": [1, 2]}, \"b\": {}, \"c\": {\"y\": null}}";
      default:
        return "{\"a\": \"A\", \"b\": \"B\", \"c\": \"C\"}";
    }
  }

  /** A random rule of at most the given depth, with the hostile shapes overweighted. */
  private String rule(int depth, boolean result) {
    if (depth <= 0 || random.nextInt(5) == 0) {
      return leaf(result);
    }
    switch (random.nextInt(12)) {
      case 0:
        return deepNesting();
      case 1:
        return "{\"map\": [" + list() + ", " + rule(depth - 1, false) + "]}";
      case 2:
        return "{\"reduce\": [" + (random.nextBoolean() ? "{\"var\": \"list\"}" : list()) + ", {\"cat\": [{\"var\": "
            + "\"accumulator\"}, {\"var\": \"accumulator\"}]}, \"xy\"]}";
      case 3:
        return "{\"cat\": [{\"map\": [" + list() + ", {\"map\": [" + list() + ", " + leaf(false) + "]}]}]}";
      default:
        break;
    }
    String op = OPERATORS[random.nextInt(OPERATORS.length)];
    if ("$ref".equals(op)) {
      return "{\"$ref\": \"e" + random.nextInt(evaluatorCount + 1) + "\"}";
    }
    if ("if".equals(op)) {
      return "{\"if\": [" + rule(depth - 1, false) + ", " + rule(depth - 1, result) + ", " + rule(depth - 1, result)
          + "]}";
    }
    if ("fractional".equals(op)) {
      return "{\"fractional\": [[\"a\", " + random.nextInt(100) + "], [\"b\", " + (random.nextInt(100) - 5)
          + "]]}";
    }
    if ("var".equals(op)) {
      return "{\"var\": \"" + attributeName() + "\"}";
    }
    int n = random.nextInt(4);
    StringBuilder args = new StringBuilder("{\"" + op + "\": [");
    for (int i = 0; i < n; i++) {
      args.append(i == 0 ? "" : ", ").append(rule(depth - 1, false));
    }
    return args.append("]}").toString();
  }

  private String deepNesting() {
    // mostly within the parser's 200 levels, now and then past them
    int levels = random.nextInt(10) == 0 ? 150 + random.nextInt(300) : random.nextInt(150);
    String op = random.nextBoolean() ? "!!" : "merge";
    return ("{\"" + op + "\": [").repeat(levels) + leaf(false) + "]}".repeat(levels);
  }

  private String list() {
    int n = random.nextInt(random.nextInt(4) == 0 ? 300 : 5);
    StringBuilder sb = new StringBuilder("[");
    for (int i = 0; i < n; i++) {
      sb.append(i == 0 ? "" : ",").append(i);
    }
    return sb.append(']').toString();
  }

  private String leaf(boolean result) {
    switch (random.nextInt(8)) {
      case 0:
        return "{\"var\": \"" + attributeName() + "\"}";
      case 1:
        return "null";
      case 2:
        return String.valueOf(random.nextInt(5) - 1);
      case 3:
        return random.nextBoolean() ? "true" : "false";
      case 4:
        return "{\"var\": \"$flagd.flagKey\"}";
      default:
        return "\"" + (result || random.nextBoolean() ? VARIANTS[random.nextInt(VARIANTS.length)] : "zz") + "\"";
    }
  }

  private String attributeName() {
    String[] names = {"list", "deep", "self", "hostile", "big", "n", "s", "user.tier", "targetingKey", ""};
    return names[random.nextInt(names.length)];
  }

  // ---------------------------------------------------------------- contexts

  private EvaluationContext context() {
    Map<String, Object> values = new LinkedHashMap<>();
    values.put("list", random.nextInt(3) == 0 ? bigList(random.nextInt(5_000)) : List.of(1, "a", true));
    if (random.nextBoolean()) {
      values.put("deep", HostileContextTest.deepList(random.nextInt(50_000)));
    }
    if (random.nextBoolean()) {
      values.put("self", HostileContextTest.selfContaining());
    }
    if (random.nextBoolean()) {
      values.put("hostile", new HostileContextTest.Hostile(random.nextBoolean()
          ? new IllegalStateException("boom") : new HostileContextTest.Unprintable()));
    }
    if (random.nextInt(4) == 0) {
      values.put("big", "x".repeat(random.nextInt(2_000_000)));
    }
    values.put("n", random.nextInt(10) - 3);
    values.put("s", VARIANTS[random.nextInt(VARIANTS.length)]);
    Map<String, Object> user = new LinkedHashMap<>();
    user.put("tier", random.nextBoolean() ? "gold" : null);
    values.put("user", user);
    return EvaluationContext.of(random.nextInt(4) == 0 ? null : "user-" + random.nextInt(1_000), values);
  }

  private static List<Object> bigList(int n) {
    List<Object> list = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      list.add(i % 3 == 0 ? "a" : i);
    }
    return list;
  }
}
