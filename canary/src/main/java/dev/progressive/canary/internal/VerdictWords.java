package dev.progressive.canary.internal;

import dev.progressive.canary.CanaryRelease;
import dev.progressive.canary.Judge.Look;
import dev.progressive.canary.MetricSource;
import dev.progressive.canary.Verdict;
import dev.progressive.canary.Verdict.MetricResult;
import dev.progressive.canary.Verdict.Result;
import java.util.List;

/** Combines the metrics' results of one look into the verdict, its summary and the requests it still needs. */
final class VerdictWords {

  private VerdictWords() {}

  static Verdict combine(Look look, List<Assessment> assessments) {
    List<MetricResult> results = assessments.stream().map(Assessment::result).toList();
    List<MetricResult> failed = results.stream().filter(r -> r.result() == Result.FAIL).toList();
    boolean criticalFailed = failed.stream().anyMatch(r -> r.metric().critical());
    MetricSource.Window w = look.window();
    long nb = w.baseline().requests();
    long nc = w.canary().requests();
    String counts = " (" + nc + " canary and " + nb + " baseline requests in "
        + Words.duration(look.elapsed().toSeconds()) + ")";
    if (criticalFailed || (!failed.isEmpty() && failed.size() * 2 >= results.size())) {
      return new Verdict(Result.FAIL, results, nb, nc, "FAIL: " + join(failed) + counts, look.now());
    }
    List<Assessment> open = assessments.stream()
        .filter(a -> a.result().metric().critical() && a.result().result() != Result.PASS).toList();
    boolean enough = look.enoughData();
    if (enough && open.isEmpty()) {
      List<MetricResult> shown = results.stream().filter(r -> r.result() == Result.PASS).toList();
      return new Verdict(Result.PASS, results, nb, nc, "PASS: every critical metric is shown within its pass "
          + "margin: " + join(shown) + counts, look.now());
    }
    CanaryRelease.Step step = look.step();
    long perSide = Math.min(nb, nc);
    long more = enough ? 0 : Math.max(0, step.minRequestsPerSide() - perSide);
    boolean unknown = false;
    boolean sampleFull = false;
    for (Assessment a : open) {
      if (a.sampleFull() && a.result().metric().kind() != dev.progressive.canary.Metric.Kind.ERROR_RATE) {
        sampleFull = true;
        continue;
      }
      if (Double.isNaN(a.growth()) || perSide == 0) {
        unknown = true;
        continue;
      }
      more = Math.max(more, (long) Math.ceil((a.growth() - 1) * perSide));
    }
    StringBuilder summary = new StringBuilder("INCONCLUSIVE: ");
    if (!enough) {
      summary.append("too little data so far, the step needs ").append(step.minRequestsPerSide())
          .append(" requests per side and ").append(Words.duration(step.minDuration().toSeconds()));
      if (!open.isEmpty()) {
        summary.append("; ");
      }
    }
    if (!open.isEmpty()) {
      summary.append(join(open.stream().map(Assessment::result).toList()));
    }
    long reported = unknown && more == 0 ? -1 : more;
    if (reported > 0) {
      summary.append("; about ").append(Words.roughCount(reported)).append(" more requests per side needed");
      if (unknown) {
        summary.append(" at least");
      }
      summary.append(timeToDecide(look, perSide, reported));
    } else if (unknown) {
      summary.append("; more requests needed");
    }
    if (sampleFull) {
      int samples = Math.min(w.baseline().latenciesMillis().length, w.canary().latenciesMillis().length);
      summary.append("; the latency sample is full (").append(samples)
          .append(" per side), so more requests will not narrow the latency intervals: raise latencySamples or "
              + "the pass margin");
    }
    return new Verdict(Result.INCONCLUSIVE, results, nb, nc, summary + counts, look.now(), reported);
  }

  /**
   * How long the requests still needed take at the step's traffic so far, and whether the step times out first:
   * {@code , about 40 min at the current traffic, after the step times out (in 22 min)}; empty without a rate.
   */
  static String timeToDecide(Look look, long perSide, long more) {
    long elapsed = look.elapsed().toSeconds();
    if (elapsed <= 0 || perSide <= 0) {
      return "";
    }
    double seconds = more * (double) elapsed / perSide;
    long left = look.step().minDuration().plus(look.release().maxInconclusive()).toSeconds() - elapsed;
    String time = ", about " + Words.roughDuration((long) Math.ceil(seconds)) + " at the current traffic";
    if (seconds > left) {
      time += left > 0 ? ", after the step times out (in " + Words.roughDuration(left) + ")"
          : ", and the step is past its time-out";
    }
    return time;
  }

  private static String join(List<MetricResult> results) {
    return String.join("; ", results.stream().map(MetricResult::reason).toList());
  }
}
