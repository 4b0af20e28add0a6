/** Internals of the canary module: the stored state and the statistical judge. Not an API. */
package dev.progressive.canary.internal;
