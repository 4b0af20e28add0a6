package dev.progressive.parallelrun.http;

import dev.progressive.parallelrun.diff.Difference;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.LongAdder;
import java.util.regex.Pattern;

/** Counters of one endpoint, bounded: at most {@code maxFields} field paths and {@code samples} samples each. */
final class EndpointStats {

  static final String OTHER_FIELDS = "(other fields)";
  private static final Pattern INDEX = Pattern.compile("\\[\\d+]");

  final String name;
  final LongAdder compared = new LongAdder();
  final LongAdder mismatched = new LongAdder();
  final LongAdder candidateErrors = new LongAdder();
  final LongAdder timeouts = new LongAdder();
  final LongAdder rejected = new LongAdder();
  final LongAdder secondaryFailures = new LongAdder();
  private final Map<String, FieldStats> fields = new ConcurrentHashMap<>();
  private final int maxFields;
  private final int samples;

  EndpointStats(String name, int maxFields, int samples) {
    this.name = name;
    this.maxFields = maxFields;
    this.samples = samples;
  }

  static String normalize(String path) {
    return INDEX.matcher(path).replaceAll("[*]");
  }

  /** Counts one request for which every target answered. */
  void record(List<Difference> raw, List<Difference> noise) {
    compared.increment();
    Set<FieldStats> seen = new HashSet<>();
    for (Difference difference : raw) {
      FieldStats field = field(normalize(difference.path()));
      field.addSample(difference, samples);
      if (seen.add(field)) {
        field.raw.increment();
      }
    }
    seen.clear();
    for (Difference difference : noise) {
      FieldStats field = field(normalize(difference.path()));
      if (seen.add(field)) {
        field.noise.increment();
      }
    }
  }

  private FieldStats field(String path) {
    FieldStats existing = fields.get(path);
    if (existing != null) {
      return existing;
    }
    String key = fields.size() >= maxFields ? OTHER_FIELDS : path;
    return fields.computeIfAbsent(key, k -> new FieldStats());
  }

  ShadowReport.Endpoint report(NoiseFilter filter) {
    long total = compared.sum();
    List<ShadowReport.Field> out = new ArrayList<>();
    for (Map.Entry<String, FieldStats> entry : fields.entrySet()) {
      long raw = entry.getValue().raw.sum();
      long noise = entry.getValue().noise.sum();
      out.add(new ShadowReport.Field(entry.getKey(), raw, noise, NoiseFilter.relativeDifference(raw, noise),
          NoiseFilter.absoluteDifference(raw, noise, total), filter.isRealDifference(raw, noise, total),
          entry.getValue().samples()));
    }
    out.sort(Comparator.comparing(ShadowReport.Field::path));
    return new ShadowReport.Endpoint(name, total, mismatched.sum(), candidateErrors.sum(), timeouts.sum(),
        rejected.sum(), secondaryFailures.sum(), out);
  }

  /** Counters of one field. */
  private static final class FieldStats {
    final LongAdder raw = new LongAdder();
    final LongAdder noise = new LongAdder();
    private final ArrayDeque<Difference> recent = new ArrayDeque<>();

    synchronized void addSample(Difference difference, int max) {
      if (max == 0) {
        return;
      }
      if (recent.size() >= max) {
        recent.removeFirst();
      }
      recent.addLast(difference);
    }

    synchronized List<Difference> samples() {
      return List.copyOf(recent);
    }
  }
}
