package dev.progressive.toggles.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.FlagDefinitionException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class FlagSetParserTest {

  private static FlagDefinitionException refused(String origin, String content) {
    Throwable t = org.assertj.core.api.Assertions.catchThrowable(() -> FlagSetParser.parse(origin, content));
    assertThat(t).isInstanceOf(FlagDefinitionException.class);
    return (FlagDefinitionException) t;
  }

  @Test
  void readsTheFlagdFormat() {
    FlagSetDocument doc = FlagSetParser.parse("flags.json", """
        {
          "$schema": "https://flagd.dev/schema/v0/flags.json",
          "metadata": {"team": "menus", "version": 3},
          "$evaluators": {"beta": {"ends_with": [{"var": "email"}, "@beta.example"]}},
          "flags": {
            "new-menu": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                         "targeting": {"if": [{"$ref": "beta"}, "on", null]}, "metadata": {"owner": "ada"}},
            "color": {"state": "DISABLED", "variants": {"red": "#f00", "blue": "#00f"}, "defaultVariant": "red"},
            "limit": {"state": "ENABLED", "variants": {"low": 10, "high": 1000}, "defaultVariant": "low",
                      "targeting": {}},
            "ratio": {"state": "ENABLED", "variants": {"half": 0.5, "one": 1}, "defaultVariant": "one"},
            "layout": {"state": "ENABLED", "variants": {"a": {"cols": 2}, "b": {}}, "defaultVariant": null}
          }
        }
        """);

    assertThat(doc.flags()).containsOnlyKeys("new-menu", "color", "limit", "ratio", "layout");
    assertThat(doc.metadata()).containsEntry("team", "menus").containsEntry("version", 3);
    assertThat(doc.evaluators()).containsKey("beta");
    FlagDefinition menu = doc.flags().get("new-menu");
    assertThat(menu.enabled()).isTrue();
    assertThat(menu.variantType()).isEqualTo(VariantType.BOOLEAN);
    assertThat(menu.variants()).containsEntry("on", true).containsEntry("off", false);
    assertThat(menu.defaultVariant()).isEqualTo("off");
    assertThat(menu.targeting()).isNotNull();
    assertThat(menu.metadata()).containsExactly(Map.entry("owner", "ada"));
    assertThat(doc.flags().get("color").enabled()).isFalse();
    assertThat(doc.flags().get("limit").variantType()).isEqualTo(VariantType.INTEGER);
    assertThat(doc.flags().get("limit").targeting()).as("an empty targeting is no targeting").isNull();
    assertThat(doc.flags().get("ratio").variantType()).isEqualTo(VariantType.FLOAT);
    assertThat(doc.flags().get("ratio").variants()).containsEntry("one", 1.0);
    assertThat(doc.flags().get("layout").variantType()).isEqualTo(VariantType.OBJECT);
    assertThat(doc.flags().get("layout").variants().get("a")).isEqualTo(Map.of("cols", 2));
    assertThat(doc.flags().get("layout").defaultVariant()).isNull();
  }

  @Test
  void readsYamlByExtensionAndByContent() {
    String yaml = """
        flags:
          new-menu:
            state: ENABLED
            variants: {on: true, off: false}
            defaultVariant: "on"
            targeting:
              if:
                - ends_with: [{var: email}, "@beta.example"]
                - "on"
                - null
        """;
    assertThat(FlagSetParser.parse("flags.yaml", yaml).flags().get("new-menu").variants())
        .containsEntry("on", true);
    assertThat(FlagSetParser.parse("in-memory", yaml).flags()).containsKey("new-menu");
    assertThat(FlagSetParser.parse("flags.yml", yaml).flags().get("new-menu").targeting().get("if").size())
        .isEqualTo(3);
  }

  @Test
  void badJsonNamesTheFileAndThePosition() {
    FlagDefinitionException e = refused("flags.json", "{\"flags\": {\"a\": {\"state\": \"ENABLED\",}}}");
    assertThat(e.source()).isEqualTo("flags.json");
    assertThat(e.getMessage()).startsWith("flags.json: ").contains("not valid JSON").contains("line 1, column");
  }

  @Test
  void badYamlNamesTheFile() {
    FlagDefinitionException e = refused("flags.yaml", "flags:\n  a: [unclosed\n");
    assertThat(e.getMessage()).startsWith("flags.yaml: ").contains("not valid YAML");
  }

  @Test
  void duplicateKeysInOneDocumentAreRefused() {
    FlagDefinitionException e = refused("flags.json", """
        {"flags": {"a": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"},
                   "a": {"state": "DISABLED", "variants": {"on": true}, "defaultVariant": "on"}}}""");
    assertThat(e.getMessage()).contains("flags.json").contains("Duplicate field 'a'");
  }

  @Test
  void aDefaultVariantThatIsNotAVariantIsRefusedWithItsPath() {
    FlagDefinitionException e = refused("flags.json", """
        {"flags": {"tax": {"state": "ENABLED", "variants": {"v1": "old", "v2": "new"}, "defaultVariant": "v3"}}}""");
    assertThat(e.flagKey()).isEqualTo("tax");
    assertThat(e.jsonPath()).isEqualTo("$.flags.tax.defaultVariant");
    assertThat(e.getMessage()).isEqualTo(
        "flags.json: flag 'tax': $.flags.tax.defaultVariant: defaultVariant 'v3' is not one of the variants [v1, v2]");
  }

  @Test
  void variantsOfMixedTypesAreRefused() {
    FlagDefinitionException e = refused("f.json", """
        {"flags": {"mixed": {"state": "ENABLED", "variants": {"a": true, "b": "yes"}, "defaultVariant": "a"}}}""");
    assertThat(e.jsonPath()).isEqualTo("$.flags.mixed.variants.b");
    assertThat(e.detail()).isEqualTo("variants of mixed types: 'b' is a string but 'a' is a boolean");
  }

  @Test
  void wholeAndFractionalNumbersMixIntoFloats() {
    FlagSetDocument doc = FlagSetParser.parse("f.json", """
        {"flags": {"n": {"state": "ENABLED", "variants": {"a": 1, "b": 2.5}, "defaultVariant": "a"}}}""");
    assertThat(doc.flags().get("n").variantType()).isEqualTo(VariantType.FLOAT);
    assertThat(doc.flags().get("n").variants()).containsEntry("a", 1.0).containsEntry("b", 2.5);
  }

  @Test
  void everyStructuralErrorNamesThePath() {
    List<String[]> cases = List.of(
        new String[] {"[]", "$", "must be an object"},
        new String[] {"{}", "$", "missing \"flags\""},
        new String[] {"{\"flags\": []}", "$.flags", "must be an object"},
        new String[] {"{\"flags\": {\"f\": 1}}", "$.flags.f", "a flag must be an object"},
        new String[] {"{\"flags\": {\"f\": {\"variants\": {\"a\": 1}}}}", "$.flags.f.state", "\"ENABLED\" or"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ON\", \"variants\": {\"a\": 1}}}}", "$.flags.f.state",
            "found \"ON\""},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\"}}}", "$.flags.f.variants", "at least one"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {}}}}", "$.flags.f.variants",
            "at least one"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": null}}}}",
            "$.flags.f.variants.a", "boolean, string, number or object"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1}, \"defaultVariant\": 1}}}",
            "$.flags.f.defaultVariant", "variant name or null"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1}, \"targeting\": [1]}}}",
            "$.flags.f.targeting", "JsonLogic object"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1}, \"metadata\": 1}}}",
            "$.flags.f.metadata", "must be an object"},
        new String[] {"{\"flags\": {\"f\": {\"state\": \"ENABLED\", \"variants\": {\"a\": 1}, "
            + "\"metadata\": {\"x\": {}}}}}", "$.flags.f.metadata.x", "strings, numbers or booleans"},
        new String[] {"{\"flags\": {}, \"metadata\": []}", "$.metadata", "must be an object"},
        new String[] {"{\"flags\": {}, \"$evaluators\": 3}", "$.$evaluators", "named rules"});
    for (String[] c : cases) {
      FlagDefinitionException e = refused("case.json", c[0]);
      assertThat(e.jsonPath()).as(c[0]).isEqualTo(c[1]);
      assertThat(e.detail()).as(c[0]).contains(c[2]);
      assertThat(e.getMessage()).as(c[0]).startsWith("case.json: ");
    }
  }

  @Test
  void emptyAndBlankDocumentsAreRefused() {
    assertThat(refused("f.json", "").getMessage()).contains("empty");
    assertThat(refused("f.json", "   ").getMessage()).contains("empty");
    assertThatThrownBy(() -> FlagSetParser.parse("f.json", (String) null)).isInstanceOf(FlagDefinitionException.class);
  }

  @Test
  void trailingContentIsRefused() {
    assertThat(refused("f.json", "{\"flags\": {}} {\"flags\": {}}").getMessage()).contains("not valid JSON");
  }

  @Test
  void absurdNestingIsRefusedNotOverflowed() {
    String deep = "{\"flags\": {}, \"metadata\": " + "[".repeat(5000) + "]".repeat(5000) + "}";
    assertThat(refused("f.json", deep).getMessage()).contains("f.json");
  }
}
