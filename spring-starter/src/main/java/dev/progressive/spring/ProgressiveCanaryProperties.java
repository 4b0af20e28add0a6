package dev.progressive.spring;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.springframework.boot.context.properties.ConfigurationProperties;

/** Configuration of canary releases: one {@code Canary} bean per entry of {@code progressive.canary.canaries}. */
@ConfigurationProperties("progressive.canary")
public class ProgressiveCanaryProperties {

  /** Whether to configure canary releases (the {@code Canary} beans, their registry and scheduler). */
  private boolean enabled = true;

  /** Canary releases by name; each name is also the canary's flag name. */
  private Map<String, Definition> canaries = new LinkedHashMap<>();

  public boolean isEnabled() {
    return enabled;
  }

  public void setEnabled(boolean enabled) {
    this.enabled = enabled;
  }

  public Map<String, Definition> getCanaries() {
    return canaries;
  }

  public void setCanaries(Map<String, Definition> canaries) {
    this.canaries = canaries;
  }

  /** One canary release. */
  public static class Definition {

    /** The steps of the schedule, in increasing weight; passing the last one promotes to 100%. */
    private List<Step> steps = new ArrayList<>();

    /** How often the current step is judged. */
    private Duration analysisInterval = Duration.ofMinutes(1);

    /** How long a step may stay inconclusive past its minimum duration before the canary is rolled back. */
    private Duration maxInconclusive = Duration.ofMinutes(30);

    /** Whether to judge and report only, never changing the weight automatically. */
    private boolean dryRun;

    /** Whether to start the canary when the application starts (only while it is still pending). */
    private boolean autoStart;

    public List<Step> getSteps() {
      return steps;
    }

    public void setSteps(List<Step> steps) {
      this.steps = steps;
    }

    public Duration getAnalysisInterval() {
      return analysisInterval;
    }

    public void setAnalysisInterval(Duration analysisInterval) {
      this.analysisInterval = analysisInterval;
    }

    public Duration getMaxInconclusive() {
      return maxInconclusive;
    }

    public void setMaxInconclusive(Duration maxInconclusive) {
      this.maxInconclusive = maxInconclusive;
    }

    public boolean isDryRun() {
      return dryRun;
    }

    public void setDryRun(boolean dryRun) {
      this.dryRun = dryRun;
    }

    public boolean isAutoStart() {
      return autoStart;
    }

    public void setAutoStart(boolean autoStart) {
      this.autoStart = autoStart;
    }
  }

  /** One step of a canary's schedule. */
  public static class Step {

    /** The canary's share in percent, in (0, 100), with at most two decimals. */
    private double weight;

    /** How long the step lasts at least. */
    private Duration minDuration = Duration.ofMinutes(5);

    /** How many requests each side must serve in the step before it can pass. */
    private long minRequests = 100;

    public double getWeight() {
      return weight;
    }

    public void setWeight(double weight) {
      this.weight = weight;
    }

    public Duration getMinDuration() {
      return minDuration;
    }

    public void setMinDuration(Duration minDuration) {
      this.minDuration = minDuration;
    }

    public long getMinRequests() {
      return minRequests;
    }

    public void setMinRequests(long minRequests) {
      this.minRequests = minRequests;
    }
  }
}
