package dev.progressive.canary;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Deque;
import java.util.List;

/** A judge whose verdicts the test chooses; it remembers the looks it was given. */
final class ScriptedJudge implements Judge {
  private final Deque<Verdict.Result> script = new ArrayDeque<>();
  private Verdict.Result otherwise = Verdict.Result.INCONCLUSIVE;
  final List<Look> looks = new ArrayList<>();

  ScriptedJudge then(Verdict.Result... results) {
    script.addAll(List.of(results));
    return this;
  }

  ScriptedJudge otherwise(Verdict.Result result) {
    otherwise = result;
    return this;
  }

  @Override
  public synchronized Verdict judge(Look look) {
    looks.add(look);
    Verdict.Result result = script.isEmpty() ? otherwise : script.poll();
    return new Verdict(result, List.of(), look.window().baseline().requests(), look.window().canary().requests(),
        result + " (scripted)", look.now());
  }
}
