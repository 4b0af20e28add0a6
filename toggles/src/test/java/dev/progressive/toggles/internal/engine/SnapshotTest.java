package dev.progressive.toggles.internal.engine;

import static org.assertj.core.api.Assertions.assertThat;

import dev.progressive.toggles.InvalidTargeting;
import dev.progressive.toggles.bucketing.FractionalHashing;
import dev.progressive.toggles.internal.definition.FlagSetParser;
import java.util.HashMap;
import java.util.Map;
import org.junit.jupiter.api.Test;

class SnapshotTest {

  @Test
  @SuppressWarnings("StringEquality")
  void aSnapshotKeysItsFlagsByTheInternedKeySoThatALiteralKeyMatchesByIdentity() {
    // the key in the JSON text is parsed into a new String, never the literal's instance
    Map<String, CompiledFlag> compiled = new FlagCompiler(FractionalHashing.v2(), null, InvalidTargeting.REFUSE_SOURCE)
        .compile(FlagSetParser.parse("flags.json", """
            {"flags": {"new-menu-search": {"state": "ENABLED", "variants": {"on": true}, "defaultVariant": "on"}}}"""));
    Map<String, CompiledFlag> byCopiedKey = new HashMap<>();
    compiled.forEach((key, flag) -> byCopiedKey.put(new String(key.toCharArray()), flag));

    Snapshot snapshot = new Snapshot(byCopiedKey, 1);

    assertThat(snapshot.flags().keySet()).singleElement().matches(key -> key == "new-menu-search");
    assertThat(snapshot.get(new String("new-menu-search".toCharArray()))).isNotNull();
    assertThat(snapshot.get("new-menu-search").key()).isSameAs("new-menu-search");
  }
}
