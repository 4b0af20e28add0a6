package dev.progressive.parallelrun;

/**
 * A snapshot of a runner's executor, to check its bounds.
 *
 * @param threads the candidate threads
 * @param queueCapacity the bound of the candidate queue
 * @param queueSize the tasks waiting now
 * @param queueHighWaterMark the most tasks that ever waited at once
 * @param availablePermits bulkhead permits free now
 * @param comparisonQueueCapacity the bound of the queue of comparisons handed off by callers
 * @param busyThreads candidate threads running a candidate now
 * @param overdueThreads candidate threads whose candidate outlived its time limit and has not yet returned after
 *     the interrupt; each holds a bulkhead permit, so when it equals {@code threads}, every candidate is rejected
 */
public record RunnerStats(
    int threads,
    int queueCapacity,
    int queueSize,
    int queueHighWaterMark,
    int availablePermits,
    int comparisonQueueCapacity,
    int busyThreads,
    int overdueThreads) {
}
