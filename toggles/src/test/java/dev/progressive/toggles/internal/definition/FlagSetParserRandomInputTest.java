package dev.progressive.toggles.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.InvalidTargeting;
import dev.progressive.toggles.internal.engine.FlagCompiler;
import dev.progressive.toggles.bucketing.FractionalHashing;
import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

/**
 * Property tests of the parser and compiler: random, truncated and mutated documents never make them throw anything
 * but {@link FlagDefinitionException}, and never hang. The seeds are fixed so that a failure can be replayed; a
 * failure message names the seed and the input.
 */
class FlagSetParserRandomInputTest {

  private static final Duration LIMIT = Duration.ofSeconds(60);
  private static ExecutorService executor;
  private static String testkit;

  @BeforeAll
  static void setUp() throws IOException {
    executor = Executors.newSingleThreadExecutor(r -> {
      Thread t = new Thread(r, "parser-property-test");
      t.setDaemon(true);
      return t;
    });
    try (InputStream in = FlagSetParserRandomInputTest.class.getClassLoader()
        .getResourceAsStream("conformance/flagd-evaluator/flags/testkit-flags.json")) {
      testkit = new String(in.readAllBytes(), StandardCharsets.UTF_8);
    }
  }

  @AfterAll
  static void tearDown() {
    executor.shutdownNow();
  }

  /** Parses and compiles; returns normally or with FlagDefinitionException; fails on anything else or a hang. */
  private static void parsesOrRefuses(String origin, String input, String why) {
    within(executor.submit(() -> {
      try {
        parseAndCompile(origin, input);
      } catch (FlagDefinitionException expected) {
        assertThat(expected.getMessage()).startsWith(origin + ": ");
      }
      return null;
    }), input, why);
  }

  /** Parses and compiles; fails unless refused with a FlagDefinitionException that names the origin, or on a hang. */
  private static void refuses(String origin, String input, String why) {
    within(executor.submit(() -> {
      try {
        parseAndCompile(origin, input);
      } catch (FlagDefinitionException expected) {
        assertThat(expected.getMessage()).startsWith(origin + ": ");
        return null;
      }
      throw new AssertionError("accepted");
    }), input, why);
  }

  private static void parseAndCompile(String origin, String input) {
    FlagSetDocument doc = FlagSetParser.parse(origin, input);
    new FlagCompiler(FractionalHashing.v2(), null, InvalidTargeting.REFUSE_SOURCE).compile(doc);
  }

  private static void within(Future<?> f, String input, String why) {
    try {
      f.get(LIMIT.toMillis(), TimeUnit.MILLISECONDS);
    } catch (TimeoutException e) {
      f.cancel(true);
      fail("hung on " + why + ": " + abbreviate(input));
    } catch (java.util.concurrent.ExecutionException e) {
      throw new AssertionError("threw " + e.getCause() + " on " + why + ": " + abbreviate(input), e.getCause());
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      fail("interrupted");
    }
  }

  private static String abbreviate(String s) {
    return s.length() > 300 ? s.substring(0, 300) + "..." : s;
  }

  @Test
  void everyTruncationOfARealFlagFileIsParsedOrRefused() {
    for (int end = 0; end <= testkit.length(); end += 7) {
      parsesOrRefuses("testkit.json", testkit.substring(0, end), "truncation at " + end);
    }
    parsesOrRefuses("testkit.json", testkit, "the whole file");
  }

  @Test
  void everyTruncationAsYamlIsParsedOrRefused() {
    for (int end = 0; end <= testkit.length(); end += 31) {
      parsesOrRefuses("testkit.yaml", testkit.substring(0, end), "YAML truncation at " + end);
    }
  }

  @Test
  void randomMutationsOfARealFlagFileAreParsedOrRefused() {
    String alphabet = "{}[]\":,0123456789.-+eEtruefalsnl \n\\$abcxyz\u00e9\u4e2d";
    for (long seed = 1; seed <= 400; seed++) {
      Random random = new Random(seed);
      StringBuilder sb = new StringBuilder(testkit);
      int edits = 1 + random.nextInt(8);
      for (int i = 0; i < edits; i++) {
        int at = random.nextInt(sb.length());
        switch (random.nextInt(3)) {
          case 0 -> sb.deleteCharAt(at);
          case 1 -> sb.insert(at, alphabet.charAt(random.nextInt(alphabet.length())));
          default -> sb.setCharAt(at, alphabet.charAt(random.nextInt(alphabet.length())));
        }
      }
      parsesOrRefuses("mutated.json", sb.toString(), "seed " + seed);
    }
  }

  @Test
  void randomTextIsRefused() {
    for (long seed = 1; seed <= 300; seed++) {
      Random random = new Random(seed);
      int length = random.nextInt(200);
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < length; i++) {
        sb.append((char) (32 + random.nextInt(0x3000)));
      }
      // Random characters hold no "flags" object: each is refused, as JSON or YAML, naming the file.
      refuses(seed % 2 == 0 ? "random.json" : "random.yaml", sb.toString(), "seed " + seed);
    }
  }

  @Test
  void randomRulesInTargetingAreCompiledOrRefused() {
    String[] operators = {"var", "if", "==", "===", "!=", "!", "!!", "or", "and", ">", "<", "<=", ">=", "max", "min",
        "+", "-", "*", "/", "%", "map", "filter", "reduce", "all", "none", "some", "merge", "in", "cat", "substr",
        "missing", "missing_some", "fractional", "sem_ver", "starts_with", "ends_with", "$ref", "nope", "log"};
    for (long seed = 1; seed <= 500; seed++) {
      Random random = new Random(seed);
      String rule = randomRule(random, operators, 0);
      String doc = "{\"$evaluators\": {\"r\": {\"==\": [1, 1]}}, \"flags\": {\"f\": {\"state\": \"ENABLED\", "
          + "\"variants\": {\"a\": \"A\", \"b\": \"B\"}, \"defaultVariant\": \"a\", \"targeting\": {\"if\": ["
          + rule + ", \"b\", null]}}}}";
      parsesOrRefuses("rules.json", doc, "seed " + seed);
    }
  }

  private static String randomRule(Random random, String[] operators, int depth) {
    int pick = random.nextInt(depth > 3 ? 4 : 7);
    return switch (pick) {
      case 0 -> Integer.toString(random.nextInt(100) - 50);
      case 1 -> "\"" + (random.nextBoolean() ? "a" : "r") + "\"";
      case 2 -> random.nextBoolean() ? "true" : "null";
      case 3 -> "[" + randomRule(random, operators, depth + 1) + "]";
      default -> {
        String op = operators[random.nextInt(operators.length)];
        int args = random.nextInt(4);
        StringBuilder sb = new StringBuilder("{\"").append(op).append("\": [");
        for (int i = 0; i < args; i++) {
          sb.append(i == 0 ? "" : ", ").append(randomRule(random, operators, depth + 1));
        }
        yield sb.append("]}").toString();
      }
    };
  }
}
