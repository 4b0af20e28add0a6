package dev.progressive.benchmarks.parallelrun;

import dev.progressive.parallelrun.Experiment;
import dev.progressive.parallelrun.ParallelRunner;
import java.lang.management.ManagementFactory;
import java.time.Duration;
import org.slf4j.MDC;

/**
 * Counts the bytes that the caller's thread allocates in one accepted ASYNC call, which {@code -prof gc} cannot
 * tell: its {@code gc.alloc.rate.norm} sums the allocation of every thread of the JVM (the candidate's thread, the
 * time limiter's scheduler, JMH's own) and, in {@code asyncAccepted}, the benchmark's wait between calls. Here the
 * caller's own counter ({@code com.sun.management.ThreadMXBean.getCurrentThreadAllocatedBytes}) is read just before
 * and just after each call, after the same kind of warm-up as the benchmark, and the wait happens outside.
 *
 * <p>Run: {@code java -cp benchmarks/target/benchmarks.jar dev.progressive.benchmarks.parallelrun.AcceptedPathAllocation [calls] [mdc]}
 * ({@code mdc}: with SLF4J's thread-local MDC holding three entries). It prints bytes per call; no timing.
 */
public final class AcceptedPathAllocation {

  private AcceptedPathAllocation() {
  }

  public static void main(String[] args) throws Exception {
    int calls = args.length > 0 ? Integer.parseInt(args[0]) : 20_000;
    boolean mdc = args.length > 1 && args[1].equals("mdc");
    // Binds SLF4J first, so that installing the MDC adapter is not undone by its initialisation.
    org.slf4j.LoggerFactory.getLogger(AcceptedPathAllocation.class);
    if (mdc) {
      ParallelRunOverheadBenchmark.installThreadLocalMdc();
      MDC.put("traceId", "4bf92f3577b34da6a3ce929d0e0e4736");
      MDC.put("spanId", "00f067aa0ba902b7");
      MDC.put("user", "user-42");
    }
    com.sun.management.ThreadMXBean threads =
        (com.sun.management.ThreadMXBean) ManagementFactory.getThreadMXBean();
    try (ParallelRunner runner = ParallelRunner.builder().threads(2).mismatchLog(0, Duration.ofSeconds(10)).build()) {
      Experiment<Integer, Integer, Integer> experiment = Experiment.<Integer, Integer, Integer>builder("allocation",
          runner).control(ParallelRunOverheadBenchmark::control)
          .candidate("candidate", ParallelRunOverheadBenchmark::candidate).build();
      Integer input = 42;
      for (int round = 0; round < 2; round++) {
        long total = 0;
        long min = Long.MAX_VALUE;
        for (int i = 0; i < calls; i++) {
          while (runner.stats().availablePermits() < 2) {
            Thread.onSpinWait();
          }
          long before = threads.getCurrentThreadAllocatedBytes();
          experiment.run(input);
          long bytes = threads.getCurrentThreadAllocatedBytes() - before;
          total += bytes;
          min = Math.min(min, bytes);
        }
        System.out.printf("%s %d calls%s: %.1f bytes per call on the caller's thread (fewest %d)%n",
            round == 0 ? "warm-up," : "measured,", calls, mdc ? ", MDC of three entries" : "", (double) total / calls,
            min);
      }
      System.out.println("MDC on the caller: " + MDC.getCopyOfContextMap());
      System.out.println("outcomes: " + runner.meterRegistry().find("progressive.parallelrun.comparisons")
          .tag("outcome", "match").counter().count() + " match");
    }
  }
}
