package dev.progressive.canary.internal;

import dev.progressive.canary.MetricSource;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.util.zip.DataFormatException;
import org.HdrHistogram.AbstractHistogram;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

/**
 * What one instance, or the whole fleet, saw of one step: per side the requests, the errors and an HdrHistogram of
 * the latencies in nanoseconds. Windows of several instances add up ({@link #add}); the sum becomes the judge's
 * {@link MetricSource.Window}. Encoded as {@link #FORMAT} 1 for the {@code FleetStore}. Not thread-safe.
 */
public final class FleetWindow {

  /** The payload format this code writes and reads. */
  public static final int FORMAT = 1;

  /** Latencies from 1 µs to one hour, at two significant digits (1% resolution). */
  static final long LOWEST_NANOS = 1_000;
  static final long HIGHEST_NANOS = 3_600_000_000_000L;
  static final int DIGITS = 2;

  final Side baseline = new Side();
  final Side canary = new Side();

  /** One side's counts and latencies. */
  static final class Side {
    long requests;
    long errors;
    final Histogram latencies = newHistogram();

    void add(Side other) {
      requests += other.requests;
      errors += other.errors;
      latencies.add(other.latencies);
    }
  }

  static Histogram newHistogram() {
    return new Histogram(LOWEST_NANOS, HIGHEST_NANOS, DIGITS);
  }

  /** Adds another window to this one. */
  public FleetWindow add(FleetWindow other) {
    baseline.add(other.baseline);
    canary.add(other.canary);
    return this;
  }

  public long baselineRequests() {
    return baseline.requests;
  }

  public long canaryRequests() {
    return canary.requests;
  }

  /**
   * The judge's view: counts as they are, and per side a sample of at most {@code maxSamples} latencies in
   * milliseconds, the histogram's quantiles at evenly spaced ranks (deterministic, and as spread as the latencies).
   */
  public MetricSource.Window toWindow(int maxSamples, String latencyNote) {
    return new MetricSource.Window(side(baseline, maxSamples), side(canary, maxSamples), latencyNote);
  }

  private static MetricSource.Side side(Side side, int maxSamples) {
    long errors = Math.min(side.errors, side.requests);
    return new MetricSource.Side(side.requests, errors, sample(side.latencies, maxSamples));
  }

  /** The values at ranks (i + ½)·total/n, i = 0..n-1, in one pass over the histogram. */
  static double[] sample(AbstractHistogram histogram, int maxSamples) {
    long total = histogram.getTotalCount();
    int n = (int) Math.min(total, maxSamples);
    double[] sample = new double[n];
    if (n == 0) {
      return sample;
    }
    int i = 0;
    long seen = 0;
    for (HistogramIterationValue v : histogram.recordedValues()) {
      seen += v.getCountAtValueIteratedTo();
      double millis = histogram.medianEquivalentValue(v.getValueIteratedTo()) / 1e6;
      while (i < n && (i + 0.5) * total / n < seen) {
        sample[i++] = millis;
      }
    }
    while (i < n) {
      sample[i] = i == 0 ? 0 : sample[i - 1];
      i++;
    }
    return sample;
  }

  /** The payload of {@link #FORMAT} 1: per side requests, errors and the compressed histogram. */
  public byte[] encode() {
    ByteArrayOutputStream bytes = new ByteArrayOutputStream(512);
    try (DataOutputStream out = new DataOutputStream(bytes)) {
      for (Side side : new Side[] {baseline, canary}) {
        out.writeLong(side.requests);
        out.writeLong(side.errors);
        ByteBuffer buffer = ByteBuffer.allocate(side.latencies.getNeededByteBufferCapacity());
        int length = side.latencies.encodeIntoCompressedByteBuffer(buffer);
        out.writeInt(length);
        out.write(buffer.array(), 0, length);
      }
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return bytes.toByteArray();
  }

  /**
   * Reads a payload of {@link #FORMAT} 1.
   *
   * @throws IllegalArgumentException when it is not one
   */
  public static FleetWindow decode(byte[] payload) {
    FleetWindow window = new FleetWindow();
    try (DataInputStream in = new DataInputStream(new java.io.ByteArrayInputStream(payload))) {
      for (Side side : new Side[] {window.baseline, window.canary}) {
        side.requests = in.readLong();
        side.errors = in.readLong();
        int length = in.readInt();
        if (side.requests < 0 || side.errors < 0 || length < 0 || length > payload.length) {
          throw new IllegalArgumentException("negative counts or a bad histogram length");
        }
        byte[] histogram = in.readNBytes(length);
        side.latencies.add(Histogram.decodeFromCompressedByteBuffer(ByteBuffer.wrap(histogram), LOWEST_NANOS));
      }
      if (in.read() != -1) {
        throw new IllegalArgumentException("bytes after the window");
      }
    } catch (IOException | DataFormatException | RuntimeException e) {
      throw new IllegalArgumentException("not a window of format " + FORMAT + ": " + e.getMessage(), e);
    }
    return window;
  }
}
