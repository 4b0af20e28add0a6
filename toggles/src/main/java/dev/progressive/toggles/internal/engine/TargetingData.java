package dev.progressive.toggles.internal.engine;

import dev.openfeature.sdk.Structure;
import dev.openfeature.sdk.Value;
import dev.progressive.toggles.EvaluationContext;
import dev.progressive.toggles.internal.logic.LimitExceededException;
import dev.progressive.toggles.internal.logic.Limits;
import dev.progressive.toggles.internal.logic.RootData;
import java.time.Clock;
import java.util.ArrayList;
import java.util.List;

/**
 * The data that targeting reads during one evaluation: a native or an OpenFeature context, read in place. One
 * instance per thread is reused (see {@link Engine}), so evaluation allocates nothing for it; the context is cleared
 * after each evaluation so that no user data stays reachable.
 */
final class TargetingData implements RootData {

  private final Clock clock;
  private EvaluationContext context;
  private dev.openfeature.sdk.EvaluationContext openFeature;
  private String flagKey;
  /** Counts the evaluations of this thread, so that their iterations share one work budget each. */
  private long evaluation;

  TargetingData(Clock clock) {
    this.clock = clock;
  }

  TargetingData bind(String flagKey, EvaluationContext context) {
    this.flagKey = flagKey;
    this.context = context;
    this.openFeature = null;
    this.evaluation++;
    return this;
  }

  TargetingData bind(String flagKey, dev.openfeature.sdk.EvaluationContext context) {
    this.flagKey = flagKey;
    this.context = null;
    this.openFeature = context;
    this.evaluation++;
    return this;
  }

  void clear() {
    context = null;
    openFeature = null;
  }

  @Override
  public Object attribute(String name) {
    if (context != null) {
      return context.attribute(name);
    }
    if (openFeature != null) {
      if ("targetingKey".equals(name)) {
        String key = openFeature.getTargetingKey();
        if (key != null && !key.isEmpty()) {
          return key;
        }
      }
      return unwrap(openFeature.getValue(name));
    }
    return null;
  }

  @Override
  public String targetingKey() {
    if (context != null) {
      return context.targetingKey();
    }
    if (openFeature != null) {
      String key = openFeature.getTargetingKey();
      return key == null || key.isEmpty() ? null : key;
    }
    return null;
  }

  @Override
  public String flagKey() {
    return flagKey;
  }

  @Override
  public long evaluation() {
    return evaluation;
  }

  @Override
  public long timestampSeconds() {
    return clock.millis() / 1000L;
  }

  /** An OpenFeature value as the plain Java value that rules work with. */
  static Object unwrap(Value value) {
    return unwrap(value, 0);
  }

  /**
   * @throws LimitExceededException when the value is nested deeper than {@link Limits#MAX_DEPTH}, so that a hostile
   *     context cannot exhaust the stack
   */
  private static Object unwrap(Value value, int depth) {
    if (value == null || value.isNull()) {
      return null;
    }
    if (value.isString()) {
      return value.asString();
    }
    if (value.isBoolean()) {
      return value.asBoolean();
    }
    if (value.isNumber()) {
      return value.asObject();
    }
    if (depth >= Limits.MAX_DEPTH) {
      throw new LimitExceededException("an attribute of the context is nested deeper than " + Limits.MAX_DEPTH
          + " levels");
    }
    if (value.isStructure()) {
      Structure s = value.asStructure();
      java.util.Map<String, Object> map = new java.util.LinkedHashMap<>();
      for (String k : s.keySet()) {
        map.put(k, unwrap(s.getValue(k), depth + 1));
      }
      return map;
    }
    if (value.isList()) {
      List<Value> list = value.asList();
      List<Object> out = new ArrayList<>(list.size());
      for (Value v : list) {
        out.add(unwrap(v, depth + 1));
      }
      return out;
    }
    if (value.isInstant()) {
      return value.asInstant().getEpochSecond();
    }
    return value.asObject();
  }
}
