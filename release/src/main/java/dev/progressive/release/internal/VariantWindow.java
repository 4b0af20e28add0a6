package dev.progressive.release.internal;

import dev.progressive.canary.MetricSource;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.util.concurrent.atomic.LongAdder;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.ConcurrentHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What this instance served in one step of a feature rollout, per variant: calls, errors and a mergeable latency
 * histogram (HdrHistogram, 1 µs to 1 h at two significant digits, as a canary's fleet window). Published as one
 * cumulative row per instance and step, so a publish that failed loses nothing and one repeated counts nothing twice.
 */
final class VariantWindow {

  /** The payload format of a row; distinct from {@link StageWindow#FORMAT}, and readers skip formats they do not know. */
  static final int FORMAT = 101;

  private static final long LOWEST_NANOS = 1_000;
  private static final long HIGHEST_NANOS = 3_600_000_000_000L;
  private static final int DIGITS = 2;

  private final StoredPlan stage;
  private final Side newVariant = new Side();
  private final Side oldVariant = new Side();

  VariantWindow(StoredPlan stage) {
    this.stage = stage;
  }

  /** Which stage (and entry) this window counts. */
  StoredPlan stage() {
    return stage;
  }

  void record(boolean isNew, boolean success, long durationNanos) {
    (isNew ? newVariant : oldVariant).record(success, durationNanos);
  }

  /** The cumulative totals now, encoded: per side (old, then new) calls, errors and the compressed histogram. */
  byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream();
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      oldVariant.encode(out);
      newVariant.encode(out);
    } catch (IOException e) {
      throw new IllegalStateException("a variant window could not be encoded", e);
    }
    return bytes.toByteArray();
  }

  private static final class Side {
    private final LongAdder calls = new LongAdder();
    private final LongAdder errors = new LongAdder();
    private final ConcurrentHistogram latencies = new ConcurrentHistogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);

    void record(boolean success, long nanos) {
      calls.increment();
      if (!success) {
        errors.increment();
      }
      latencies.recordValue(Math.min(HIGHEST_NANOS, Math.max(LOWEST_NANOS, nanos)));
    }

    void encode(DataOutputStream out) throws IOException {
      Histogram copy = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
      copy.add(latencies);
      long errorCount = errors.sum();
      long callCount = Math.max(calls.sum(), errorCount);
      ByteBuffer buffer = ByteBuffer.allocate(copy.getNeededByteBufferCapacity());
      int length = copy.encodeIntoCompressedByteBuffer(buffer);
      out.writeLong(callCount);
      out.writeLong(errorCount);
      out.writeInt(length);
      out.write(buffer.array(), 0, length);
    }
  }

  /** The fleet's sum of every instance's row of one step: per variant calls, errors and the merged histogram. */
  static final class Pooled {
    private long oldCalls;
    private long oldErrors;
    private final Histogram oldLatencies = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
    private long newCalls;
    private long newErrors;
    private final Histogram newLatencies = new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
    private int instances;

    /** Adds one instance's row. @throws IllegalArgumentException when the payload cannot be read */
    void add(byte[] payload) {
      try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
        long oc = in.readLong();
        long oe = in.readLong();
        Histogram oh = histogram(in);
        long nc = in.readLong();
        long ne = in.readLong();
        Histogram nh = histogram(in);
        oldCalls += oc;
        oldErrors += oe;
        oldLatencies.add(oh);
        newCalls += nc;
        newErrors += ne;
        newLatencies.add(nh);
        instances++;
      } catch (IOException | java.util.zip.DataFormatException | RuntimeException e) {
        throw new IllegalArgumentException("a variant window cannot be read: " + e, e);
      }
    }

    private static Histogram histogram(DataInputStream in) throws IOException, java.util.zip.DataFormatException {
      int length = in.readInt();
      byte[] bytes = in.readNBytes(length);
      if (bytes.length != length) {
        throw new IOException("truncated histogram");
      }
      return Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(bytes), LOWEST_NANOS);
    }

    int instances() {
      return instances;
    }

    /** The judge's window: the old variant is the baseline side, the new one the canary side. */
    MetricSource.Window window(int latencySamples) {
      return new MetricSource.Window(side(oldCalls, oldErrors, oldLatencies, latencySamples),
          side(newCalls, newErrors, newLatencies, latencySamples));
    }

    private static MetricSource.Side side(long calls, long errors, Histogram h, int max) {
      return new MetricSource.Side(calls, Math.min(errors, calls), sample(h, max));
    }
  }

  /**
   * Up to {@code max} latencies in milliseconds at evenly spaced ranks of the histogram: deterministic, and as spread
   * as the latencies.
   */
  static double[] sample(AbstractHistogram h, int max) {
    long total = h.getTotalCount();
    if (total == 0) {
      return new double[0];
    }
    int n = (int) Math.min(total, max);
    double[] out = new double[n];
    int i = 0;
    long seen = 0;
    for (HistogramIterationValue v : h.recordedValues()) {
      seen += v.getCountAtValueIteratedTo();
      double ms = h.medianEquivalentValue(v.getValueIteratedTo()) / 1_000_000.0;
      // sample i sits at rank floor((i + 0.5) * total / n), 0-based
      while (i < n && (long) ((i + 0.5) * total / n) < seen) {
        out[i++] = ms;
      }
    }
    while (i < n) {
      out[i] = out[i - 1];
      i++;
    }
    return out;
  }
}
