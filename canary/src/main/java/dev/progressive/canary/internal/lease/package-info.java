/** The fleet's leases: one instance at a time judges a canary or drives a release plan. Not an API. */
package dev.progressive.canary.internal.lease;
