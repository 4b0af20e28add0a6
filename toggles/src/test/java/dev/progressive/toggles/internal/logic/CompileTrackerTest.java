package dev.progressive.toggles.internal.logic;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import dev.progressive.toggles.FlagDefinitionException;
import dev.progressive.toggles.bucketing.FractionalHashing;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** One compilation's bounds and how its errors name where they are. */
class CompileTrackerTest {

  private final CompileTracker tracker = new CompileTracker(new CompileScope("flags.json", "menu",
      "$.flags.menu.targeting", Map.of(), FractionalHashing.v2()));

  @Test
  void aLongRefChainIsShortenedToItsFirstAndLastFiveOutermostFirst() {
    for (int i = 1; i <= 13; i++) {
      tracker.refs.push("e" + i);
    }
    assertThat(tracker.chain("e14"))
        .isEqualTo("e1 -> e2 -> e3 -> e4 -> e5 -> ... 4 more ... -> e10 -> e11 -> e12 -> e13 -> e14");
    assertThat(tracker.inOwnRule()).isFalse();
  }

  @Test
  void enteringPastTheDepthBoundIsALimitNamingThePath() {
    tracker.depth = Limits.MAX_DEPTH;
    assertThatThrownBy(() -> tracker.enter("$.flags.menu.targeting.if[0]"))
        .isInstanceOfSatisfying(FlagDefinitionException.class, e -> {
          assertThat(e.jsonPath()).isEqualTo("$.flags.menu.targeting.if[0]");
          assertThat(e.flagKey()).isEqualTo("menu");
        })
        .hasMessageContaining("nested deeper than " + Limits.MAX_DEPTH);
    assertThat(tracker.limitReached).as("a limit is not cached as the evaluator's own failure").isTrue();
  }

  @Test
  void enterAndLeaveKeepTheDeepestNestingAndCountEveryNode() {
    tracker.enter("$");
    tracker.enter("$.a");
    tracker.leave();
    tracker.enter("$.b");
    tracker.leave();
    tracker.leave();
    assertThat(tracker.depth).isZero();
    assertThat(tracker.deepest).isEqualTo(2);
    assertThat(tracker.nodes).isEqualTo(3);
  }

  @Test
  void namesThatAreNotPlainAreQuotedInPaths() {
    assertThat(CompileTracker.child("$", "plain_name-1")).isEqualTo("$.plain_name-1");
    assertThat(CompileTracker.child("$", "it's a\\b")).isEqualTo("$['it\\'s a\\\\b']");
    assertThat(CompileTracker.index("$.in", 2)).isEqualTo("$.in[2]");
  }

  @Test
  void foldingAConstantThatPassesALimitRefusesTheRule() {
    ConstantFolding folding = new ConstantFolding(tracker);
    Expr tooBig = new Expr() {
      @Override
      public Object eval(Object data) {
        throw new LimitExceededException("a string longer than the limit");
      }
    };
    assertThatThrownBy(() -> folding.fold("$.cat", tooBig, Const.of("a")))
        .isInstanceOf(FlagDefinitionException.class)
        .hasMessageContaining("computing this constant: a string longer than the limit");
    assertThat(folding.fold("$.cat", tooBig, Const.of("a"), tooBig)).as("not folded while an argument varies")
        .isSameAs(tooBig);
  }
}
