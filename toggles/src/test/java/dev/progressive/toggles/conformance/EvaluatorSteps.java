package dev.progressive.toggles.conformance;

import static org.assertj.core.api.Assertions.assertThat;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.openfeature.sdk.Client;
import dev.openfeature.sdk.FlagEvaluationDetails;
import dev.openfeature.sdk.ImmutableMetadata;
import dev.openfeature.sdk.MutableContext;
import dev.openfeature.sdk.MutableStructure;
import dev.openfeature.sdk.OpenFeatureAPI;
import dev.openfeature.sdk.Value;
import dev.progressive.toggles.Evaluation;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.ProgressiveProvider;
import dev.progressive.toggles.Toggles;
import dev.progressive.toggles.source.ClasspathSource;
import dev.progressive.toggles.source.SourceHealth;
import io.cucumber.datatable.DataTable;
import io.cucumber.java.en.Given;
import io.cucumber.java.en.Then;
import io.cucumber.java.en.When;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;

/**
 * Step definitions for flagd's evaluator suite. Each evaluation runs twice, through {@link Toggles} and through an
 * OpenFeature {@link Client} backed by {@link ProgressiveProvider}; the steps assert on both.
 */
public class EvaluatorSteps {

  private static final String FLAGS = "conformance/flagd-evaluator/flags/testkit-flags.json";
  private static final String DOMAIN = "progressive-flagd-conformance";
  private static final ObjectMapper JSON = new ObjectMapper();

  /** The suite's flag set never changes, so it is loaded once for every scenario. */
  private static final class Shared {
    // Default settings, as a user's would be: the testkit's set loads as flagd loads it.
    static final Toggles TOGGLES = Toggles.builder().source(ClasspathSource.of(FLAGS)).build();
    static final Client CLIENT;

    static {
      OpenFeatureAPI.getInstance().setProviderAndWait(DOMAIN, new ProgressiveProvider(TOGGLES));
      CLIENT = OpenFeatureAPI.getInstance().getClient(DOMAIN);
    }
  }

  private String type;
  private String key;
  private String fallback;
  private String targetingKey;
  private final Map<String, Object> attributes = new LinkedHashMap<>();
  private Evaluation<?> nativeResult;
  private FlagEvaluationDetails<?> openFeatureResult;

  @Given("an evaluator")
  public void anEvaluator() {
    SourceHealth health = Shared.TOGGLES.health().get(0);
    assertThat(health.status()).as("testkit flags load; %s", health).isEqualTo(SourceHealth.Status.STALE);
    // The one flag that flagd answers PARSE_ERROR for; the suite checks that answer. Health names it with its path.
    assertThat(health.refused()).extracting(SourceHealth.RefusedFlag::flag, SourceHealth.RefusedFlag::jsonPath)
        .containsExactly(org.assertj.core.groups.Tuple.tuple("ref-to-nonexistent-evaluator-flag",
            "$.flags.ref-to-nonexistent-evaluator-flag.targeting.if[0].$ref"));
  }

  @Given("a {word}-flag with key {string} and a fallback value {string}")
  public void aFlag(String type, String key, String fallback) {
    this.type = type;
    this.key = key;
    this.fallback = fallback;
  }

  @Given("a context containing a key {string}, with type {string} and with value {string}")
  public void aContextKey(String name, String valueType, String value) {
    attributes.put(name, typed(valueType, value));
  }

  @Given("a context containing a targeting key with value {string}")
  public void aTargetingKey(String value) {
    targetingKey = value;
  }

  @Given("a context containing a nested property with outer key {string} and inner key {string}, with value {string}")
  public void aNestedProperty(String outer, String inner, String value) {
    @SuppressWarnings("unchecked")
    Map<String, Object> nested = (Map<String, Object>) attributes.computeIfAbsent(outer, k -> new LinkedHashMap<>());
    nested.put(inner, value);
  }

  @When("the flag was evaluated with details")
  public void evaluated() {
    EvaluationContext ctx = EvaluationContext.of(targetingKey, attributes);
    Map<String, Value> ofAttributes = new LinkedHashMap<>();
    attributes.forEach((k, v) -> ofAttributes.put(k, toValue(v)));
    MutableContext ofCtx = new MutableContext(targetingKey, ofAttributes);
    Toggles t = Shared.TOGGLES;
    Client c = Shared.CLIENT;
    switch (type) {
      case "Boolean" -> {
        nativeResult = t.booleanDetails(key, ctx, Boolean.parseBoolean(fallback));
        openFeatureResult = c.getBooleanDetails(key, Boolean.parseBoolean(fallback), ofCtx);
      }
      case "String" -> {
        nativeResult = t.stringDetails(key, ctx, fallback);
        openFeatureResult = c.getStringDetails(key, fallback, ofCtx);
      }
      case "Integer" -> {
        nativeResult = t.integerDetails(key, ctx, Integer.parseInt(fallback));
        openFeatureResult = c.getIntegerDetails(key, Integer.parseInt(fallback), ofCtx);
      }
      case "Float" -> {
        nativeResult = t.doubleDetails(key, ctx, Double.parseDouble(fallback));
        openFeatureResult = c.getDoubleDetails(key, Double.parseDouble(fallback), ofCtx);
      }
      case "Object" -> {
        Object def = json(fallback);
        nativeResult = t.objectDetails(key, ctx, def);
        openFeatureResult = c.getObjectDetails(key, toValue(def), ofCtx);
      }
      default -> throw new IllegalArgumentException("unknown flag type " + type);
    }
  }

  @Then("the resolved details value should be {string}")
  public void valueShouldBe(String expected) {
    if (type.equals("Object")) {
      Object want = json(expected);
      assertThat(nativeResult.value()).as("native value").isEqualTo(want);
      assertThat(fromValue((Value) openFeatureResult.getValue())).as("OpenFeature value").isEqualTo(want);
      return;
    }
    assertThat(String.valueOf(nativeResult.value())).as("native value of %s", key).isEqualTo(expected);
    assertThat(String.valueOf(openFeatureResult.getValue())).as("OpenFeature value of %s", key).isEqualTo(expected);
  }

  @Then("the reason should be {string}")
  public void reasonShouldBe(String expected) {
    assertThat(nativeResult.reason().name()).as("native reason of %s", key).isEqualTo(expected);
    assertThat(openFeatureResult.getReason()).as("OpenFeature reason of %s", key).isEqualTo(expected);
  }

  @Then("the error-code should be {string}")
  public void errorCodeShouldBe(String expected) {
    if (expected.isEmpty()) {
      assertThat(nativeResult.errorCode()).isNull();
      assertThat(openFeatureResult.getErrorCode()).isNull();
      return;
    }
    assertThat(nativeResult.errorCode()).as("native error of %s", key).isNotNull();
    assertThat(nativeResult.errorCode().name()).isEqualTo(expected);
    assertThat(openFeatureResult.getErrorCode()).as("OpenFeature error of %s", key).isNotNull();
    assertThat(openFeatureResult.getErrorCode().name()).isEqualTo(expected);
    assertThat(nativeResult.errorMessage()).contains(key);
    assertThat(openFeatureResult.getErrorMessage()).contains(key);
  }

  @Then("the resolved metadata should contain")
  public void metadataShouldContain(DataTable table) {
    ImmutableMetadata ofMetadata = openFeatureResult.getFlagMetadata();
    for (Map<String, String> row : table.asMaps()) {
      String name = row.get("key");
      Object want = typed(row.get("metadata_type"), row.get("value"));
      assertThat(nativeResult.flagMetadata()).as("native metadata").containsEntry(name, want);
      Object got = switch (row.get("metadata_type")) {
        case "String" -> ofMetadata.getString(name);
        case "Integer" -> ofMetadata.getInteger(name);
        case "Float" -> ofMetadata.getDouble(name);
        case "Boolean" -> ofMetadata.getBoolean(name);
        default -> throw new IllegalArgumentException(row.get("metadata_type"));
      };
      assertThat(got).as("OpenFeature metadata %s", name).isEqualTo(want);
    }
  }

  @Then("the resolved metadata is empty")
  public void metadataIsEmpty() {
    assertThat(nativeResult.flagMetadata()).isEmpty();
    assertThat(openFeatureResult.getFlagMetadata().isEmpty()).isTrue();
  }

  private static Object typed(String valueType, String value) {
    return switch (valueType) {
      case "String" -> value;
      case "Integer" -> Integer.parseInt(value);
      case "Float" -> Double.parseDouble(value);
      case "Boolean" -> Boolean.parseBoolean(value);
      default -> throw new IllegalArgumentException("unknown value type " + valueType);
    };
  }

  /** Gherkin tables keep {@code \"} as written; the suite means a plain quote. */
  private static Object json(String text) {
    try {
      JsonNode node = JSON.readTree(text.replace("\\\"", "\""));
      return dev.progressive.toggles.internal.json.JsonValues.toJava(node);
    } catch (Exception e) {
      throw new IllegalArgumentException("not JSON: " + text, e);
    }
  }

  private static Value toValue(Object v) {
    if (v instanceof Map<?, ?> m) {
      MutableStructure s = new MutableStructure();
      m.forEach((k, x) -> s.add((String) k, toValue(x)));
      return new Value(s);
    }
    return Value.objectToValue(v);
  }

  private static Object fromValue(Value v) {
    if (v == null || v.isNull()) {
      return null;
    }
    if (v.isStructure()) {
      Map<String, Object> out = new LinkedHashMap<>();
      v.asStructure().asMap().forEach((k, x) -> out.put(k, fromValue(x)));
      return out;
    }
    if (v.isList()) {
      return v.asList().stream().map(EvaluatorSteps::fromValue).toList();
    }
    return v.asObject();
  }

  @Override
  public String toString() {
    return Objects.toString(key);
  }

}
