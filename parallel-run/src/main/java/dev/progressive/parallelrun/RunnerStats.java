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
 */
public record RunnerStats(
    int threads,
    int queueCapacity,
    int queueSize,
    int queueHighWaterMark,
    int availablePermits,
    int comparisonQueueCapacity) {
}
