package dev.progressive.canary;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * PASS once the step has its minimum duration and requests ({@link Judge.Look#enoughData()}), FAIL when the canary's
 * error rate is above a limit, INCONCLUSIVE otherwise. Remembers its looks.
 */
final class MinimumsJudge implements Judge {
  private final double maxCanaryErrorRate;
  final List<Look> looks = new CopyOnWriteArrayList<>();

  MinimumsJudge(double maxCanaryErrorRate) {
    this.maxCanaryErrorRate = maxCanaryErrorRate;
  }

  MinimumsJudge() {
    this(1.0);
  }

  @Override
  public Verdict judge(Look look) {
    looks.add(look);
    MetricSource.Side canary = look.window().canary();
    Verdict.Result result;
    if (canary.requests() > 0 && canary.errors() / (double) canary.requests() > maxCanaryErrorRate) {
      result = Verdict.Result.FAIL;
    } else {
      result = look.enoughData() ? Verdict.Result.PASS : Verdict.Result.INCONCLUSIVE;
    }
    return new Verdict(result, List.of(), look.window().baseline().requests(), canary.requests(),
        result + " (" + look.window().baseline().requests() + "/" + canary.requests() + " requests, "
            + canary.errors() + " canary errors)", look.now());
  }
}
