/**
 * Canary releases: sticky routing of a share of keys to a new implementation, a statistical judge that compares it
 * with the baseline, and a controller that promotes or rolls back by itself. Start at {@link
 * dev.progressive.canary.CanaryRelease#builder(String)} and {@link dev.progressive.canary.Canary#builder}.
 */
package dev.progressive.canary;
