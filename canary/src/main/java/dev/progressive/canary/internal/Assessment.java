package dev.progressive.canary.internal;

import dev.progressive.canary.Verdict.MetricResult;

/**
 * One metric's result at one look, with what the judge needs to say how much more data would decide it.
 *
 * @param result the metric's result
 * @param growth by how much the requests per side must grow to decide (a factor above 1), NaN when unknown
 * @param sampleFull whether the latency sample is at its cap, so that more requests will not narrow the interval
 */
record Assessment(MetricResult result, double growth, boolean sampleFull) {}
