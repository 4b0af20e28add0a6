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

/**
 * Counters of one endpoint, bounded: at most {@code maxFields} field paths and {@code samples} samples each. The
 * request counters change together under one lock, and {@link #report} reads them under it, so that a report is a
 * consistent snapshot: {@code mismatched} never exceeds {@code compared}.
 */
final class EndpointStats {

  static final String OTHER_FIELDS = "(other fields)";
  private static final Pattern INDEX = Pattern.compile("\\[\\d+]");

  final String name;
  private long compared;
  private long mismatched;
  private long candidateErrors;
  private long timeouts;
  private long rejected;
  private long secondaryFailures;
  /** Requests whose fields were counted (the secondary answered, or there is none): the noise filter's total. */
  private long recorded;
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

  synchronized void rejected() {
    rejected++;
  }

  synchronized void candidateError() {
    candidateErrors++;
  }

  synchronized void timeout() {
    timeouts++;
  }

  /**
   * Counts one compared request, and its fields when the noise is known.
   *
   * @param raw primary-vs-candidate differences
   * @param noise primary-vs-secondary differences
   * @param noiseKnown whether the secondary answered (or there is none); without it fields are not counted
   * @param mismatch whether the request is a mismatch
   */
  synchronized void compared(List<Difference> raw, List<Difference> noise, boolean noiseKnown, boolean mismatch) {
    compared++;
    if (mismatch) {
      mismatched++;
    }
    if (noiseKnown) {
      recordFields(raw, noise);
    } else {
      secondaryFailures++;
    }
  }

  /** Counts one compared request for which every target answered, with its fields; not a mismatch. */
  synchronized void record(List<Difference> raw, List<Difference> noise) {
    compared(raw, noise, true, false);
  }

  private void recordFields(List<Difference> raw, List<Difference> noise) {
    recorded++;
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

  synchronized ShadowReport.Endpoint report(NoiseFilter filter) {
    long total = recorded;
    List<ShadowReport.Field> out = new ArrayList<>();
    for (Map.Entry<String, FieldStats> entry : fields.entrySet()) {
      long raw = entry.getValue().raw.sum();
      long noise = entry.getValue().noise.sum();
      out.add(new ShadowReport.Field(entry.getKey(), raw, noise, NoiseFilter.relativeDifference(raw, noise),
          NoiseFilter.absoluteDifference(raw, noise, total), filter.isRealDifference(raw, noise, total),
          entry.getValue().samples()));
    }
    out.sort(Comparator.comparing(ShadowReport.Field::path));
    return new ShadowReport.Endpoint(name, compared, mismatched, candidateErrors, timeouts,
        rejected, secondaryFailures, out);
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
