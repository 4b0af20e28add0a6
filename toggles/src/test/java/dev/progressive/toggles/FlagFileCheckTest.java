package dev.progressive.toggles;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatCode;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** Flag files checked in CI with the strict rules: every error, with the file, the flag and the JSON path. */
class FlagFileCheckTest {

  @TempDir
  Path dir;

  /** Three errors: one the parser finds, one the compiler finds, one that only the strict rules refuse. */
  private static final String THREE_ERRORS = """
      {"flags": {
        "ok": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "on"},
        "limit": {"state": "ENABLED", "variants": {"low": 10, "high": 1000}, "defaultVariant": "huge"},
        "beta": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                 "targeting": {"if": [{"ends_wiht": [{"var": "email"}, "@beta.example"]}, "on", "off"]}},
        "new-api": {"state": "ENABLED", "variants": {"on": true, "off": false}, "defaultVariant": "off",
                    "targeting": {"if": [{"sem_ver": [{"var": "version"}, ">=", "2.0.0.0"]}, "on", "off"]}}
      }}""";

  private Path write(String name, String content) throws IOException {
    Path file = dir.resolve(name);
    Files.writeString(file, content);
    return file;
  }

  @Test
  void aValidFilePasses() throws IOException {
    Path file = write("flags.json", PerFlagCompilationTest.GOOD);
    assertThat(FlagFileCheck.check(file)).isEmpty();
    assertThatCode(() -> FlagFileCheck.assertValid(file)).doesNotThrowAnyException();
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    assertThat(FlagFileCheck.run(print(out), print(new ByteArrayOutputStream()), file.toString())).isZero();
    assertThat(out.toString(StandardCharsets.UTF_8)).contains("valid");
  }

  @Test
  void everyErrorIsReportedWithItsFileFlagAndPathIncludingRulesThatCanOnlyAnswerNull() throws IOException {
    Path file = write("flags.json", THREE_ERRORS);
    List<FlagDefinitionException> errors = FlagFileCheck.check(file);
    assertThat(errors).extracting(FlagDefinitionException::source).containsOnly(file.toString());
    assertThat(errors).extracting(FlagDefinitionException::flagKey).containsExactly("limit", "beta", "new-api");
    assertThat(errors).extracting(FlagDefinitionException::jsonPath).containsExactly(
        "$.flags.limit.defaultVariant", "$.flags.beta.targeting.if[0].ends_wiht",
        "$.flags.new-api.targeting.if[0].sem_ver[2]");

    assertThatThrownBy(() -> FlagFileCheck.assertValid(file)).isInstanceOf(AssertionError.class)
        .hasMessageContaining("3 errors")
        .hasMessageContaining(file + ": flag 'limit': $.flags.limit.defaultVariant")
        .hasMessageContaining("ends_wiht")
        .hasMessageContaining("2.0.0.0");

    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(FlagFileCheck.run(print(new ByteArrayOutputStream()), print(err), file.toString())).isEqualTo(1);
    assertThat(err.toString(StandardCharsets.UTF_8).lines().filter(l -> l.contains(file.toString())))
        .as("one line per error").hasSize(3);
  }

  @Test
  void theFilesOfADirectoryAreOneSetSoAKeyInTwoIsAnError() throws IOException {
    Path flags = Files.createDirectory(dir.resolve("flags"));
    Files.writeString(flags.resolve("a.json"), PerFlagCompilationTest.GOOD);
    Files.writeString(flags.resolve("b.yaml"), """
        flags:
          color:
            state: ENABLED
            variants: {green: "#0f0"}
            defaultVariant: green
        """);
    Files.writeString(flags.resolve("c.json"), "{\"flags\": ");
    List<FlagDefinitionException> errors = FlagFileCheck.check(flags);
    assertThat(errors).hasSize(2);
    assertThat(errors.get(0).getMessage()).contains("defined in both").contains("a.json").contains("b.yaml");
    assertThat(errors.get(1).getMessage()).contains("c.json").contains("not valid JSON");
  }

  @Test
  void aMissingFileIsAnErrorAndNoArgumentsIsAUsageError() {
    Path missing = dir.resolve("nope.json");
    assertThat(FlagFileCheck.check(missing)).singleElement()
        .satisfies(e -> assertThat(e.getMessage()).contains("nope.json").contains("cannot be read"));
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    assertThat(FlagFileCheck.run(print(new ByteArrayOutputStream()), print(err))).isEqualTo(2);
    assertThat(err.toString(StandardCharsets.UTF_8)).contains("usage");
  }

  @Test
  void flagdsTestkitFileLoadsButTheStrictRulesNameWhatFlagdWouldAnswerWithAnErrorOrNull() {
    Path testkit = Path.of("src/test/resources/conformance/flagd-evaluator/flags/testkit-flags.json");
    assertThat(FlagFileCheck.check(testkit)).extracting(FlagDefinitionException::flagKey)
        .contains("ref-to-nonexistent-evaluator-flag", "semver-invalid-operator-flag");
  }

  private static PrintStream print(ByteArrayOutputStream out) {
    return new PrintStream(out, true, StandardCharsets.UTF_8);
  }
}
