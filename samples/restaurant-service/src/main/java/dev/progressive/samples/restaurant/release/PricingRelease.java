package dev.progressive.samples.restaurant.release;

import dev.progressive.canary.Cohort;
import dev.progressive.parallelrun.Experiment;
import dev.progressive.release.ReleasePlan;
import dev.progressive.release.ReleaseState;
import dev.progressive.release.ReleaseStatus;
import dev.progressive.samples.restaurant.pricing.ClassicPricingEngine;
import dev.progressive.samples.restaurant.pricing.PriceRequest;
import dev.progressive.samples.restaurant.pricing.RulesPricingEngine;
import dev.progressive.samples.restaurant.pricing.Subtotal;

/**
 * Prices an order through the release plan {@value PricingReleaseConfiguration#PLAN}: the plan picks the engine
 * (only testers reach the rules engine until its canary stage), and while the plan is before its canary stage every
 * order the classic engine prices is also priced by the rules engine in the parallel run
 * {@value PricingReleaseConfiguration#EXPERIMENT}, whose comparisons the verify stage counts. While the plan is dark,
 * the plan counts the testers' calls to the rules engine, successful and failed, and its dark stage rolls it back
 * when too many of them fail on the fleet.
 */
public class PricingRelease {

  private final ReleasePlan plan;
  private final Experiment<PriceRequest, Subtotal, Subtotal> experiment;
  private final ClassicPricingEngine classic;
  private final RulesPricingEngine rules;
  private final int canaryStage;

  PricingRelease(ReleasePlan plan, Experiment<PriceRequest, Subtotal, Subtotal> experiment,
      ClassicPricingEngine classic, RulesPricingEngine rules, int canaryStage) {
    this.plan = plan;
    this.experiment = experiment;
    this.classic = classic;
    this.rules = rules;
    this.canaryStage = canaryStage;
  }

  /** The plan. */
  public ReleasePlan plan() {
    return plan;
  }

  /**
   * Prices an order.
   *
   * @param request the order
   * @param explicitCohort the cohort the caller asked for ({@code X-Canary-Cohort}), or {@code null}
   */
  public Subtotal price(PriceRequest request, Cohort explicitCohort) {
    return plan.call(request.customerId(), explicitCohort, () -> priceOld(request), () -> rules.price(request));
  }

  private Subtotal priceOld(PriceRequest request) {
    ReleaseStatus status = plan.status();
    if (status.state() != ReleaseState.RUNNING || status.stageIndex() >= canaryStage) {
      return classic.priceClassic(request);
    }
    try {
      return experiment.run(request);
    } catch (RuntimeException e) {
      throw e;
    } catch (Exception e) {
      throw new IllegalStateException(e);
    }
  }
}
