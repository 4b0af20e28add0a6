package dev.progressive.toggles.internal.definition;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.FlagDefinitionException;
import org.junit.jupiter.api.Test;

/** Issue 14, part 6: a refused document's message says what is wrong in the file, not how the parser is built. */
class ParserMessagesTest {

  @Test
  void aDocumentNestedTooDeeplyIsNamedWithoutTheParsersSettings() {
    String deep = "{\"flags\": " + "[".repeat(250) + "]".repeat(250) + "}";
    assertThatThrownBy(() -> FlagSetParser.readTree("flags.json", deep))
        .isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("nesting depth")
        .hasMessageNotContaining("StreamReadConstraints")
        .hasMessageNotContaining("`");
  }

  @Test
  void plainDropsTheSourceDescriptionAndTheSettingName() {
    assertThat(FlagSetParser.plain("Unexpected character ('x' (code 120)) (Source: REDACTED (`StreamReadFeature"
        + ".INCLUDE_SOURCE_IN_LOCATION` disabled); line: 1, column: 2]")).isEqualTo("Unexpected character ('x' (code 120))");
    assertThat(FlagSetParser.plain("Document nesting depth (201) exceeds the maximum allowed (200, from "
        + "`StreamReadConstraints.getMaxNestingDepth()`)"))
        .isEqualTo("Document nesting depth (201) exceeds the maximum allowed (200)");
    assertThat(FlagSetParser.plain(null)).isEqualTo("unreadable");
  }
}
